import { Knex } from 'knex';
import { PayoutProviderName, PayoutsConfig } from '../config';
import { ApiError } from '../http';
import { formatAmount } from '../ledger';
import { Logger } from '../log';
import { OnProgress } from '../progress';
import { jumppag } from './providers/jumppag';
import { paystar } from './providers/paystar';
import { hashlee } from './providers/hashlee';
import { orkestra } from './providers/orkestra';
import { PayoutOrder, PayoutProvider, ProviderUnavailable, WebhookResult } from './providers/types';
import { enqueue, TASKS } from './queue';
import { nextCheckDelayMs, REVIEW_AFTER_MS } from './schedule';
import { FINAL } from './states';
import { reconcilePayouts, Reconciliation } from './reconcile';
import { movePayout, PayoutRow } from './transitions';

type ProviderFactory = (settings: NonNullable<PayoutsConfig['providers'][PayoutProviderName]>, options: { timeoutMs: number; notificationUrl?: string }) => PayoutProvider;
const FACTORIES: Record<PayoutProviderName, ProviderFactory> = { jumppag, paystar, hashlee, orkestra };

/** Builds the adapters of the configured providers; a provider missing a setting fails at start, not mid-payout. */
export function buildProviders(config: PayoutsConfig): Map<PayoutProviderName, PayoutProvider> {
  const providers = new Map<PayoutProviderName, PayoutProvider>();
  for (const [name, settings] of Object.entries(config.providers) as [PayoutProviderName, NonNullable<PayoutsConfig['providers'][PayoutProviderName]>][]) {
    const factory = FACTORIES[name];
    if (!factory) continue;
    const notificationUrl = config.webhookBaseUrl ? `${config.webhookBaseUrl}/webhooks/payouts/${name}` : undefined;
    providers.set(name, factory(settings, { timeoutMs: config.httpTimeoutMs ?? 10_000, notificationUrl }));
  }
  return providers;
}

export async function loadOrder(db: Knex, payoutId: string): Promise<{ payout: PayoutRow; order: PayoutOrder } | undefined> {
  const payout: (PayoutRow & { external_id: string }) | undefined = await db('payouts as p')
    .join('players as pl', 'pl.id', 'p.player_id')
    .where('p.id', payoutId)
    .first('p.*', 'pl.external_id');
  if (!payout) return undefined;
  return {
    payout,
    order: {
      id: payout.id,
      amount: formatAmount(payout.amount, 2),
      currency: 'BRL',
      pixKey: payout.pix_key,
      pixKeyType: payout.pix_key_type,
      beneficiaryDocument: payout.beneficiary_document,
      beneficiaryName: payout.beneficiary_name,
      playerId: payout.external_id,
    },
  };
}

/**
 * Sends payouts and follows them to a final state. Rules: a payout goes to exactly one provider, chosen at
 * request; our id is the provider's idempotency key; a send whose outcome is not known is never repeated until
 * the provider confirms it has no such order; a webhook only triggers a status check.
 */
export class PayoutEngine {
  constructor(
    private readonly db: Knex,
    private readonly providers: Map<PayoutProviderName, PayoutProvider>,
    private readonly config: PayoutsConfig,
    private readonly log: Logger,
  ) {}

  private scaled(ms: number): number {
    return ms * (this.config.pollTimeScale ?? 1);
  }

  private async flagForReview(payout: PayoutRow, reason: string): Promise<void> {
    if (payout.manual_review && payout.review_reason === reason) return;
    await this.db('payouts').where({ id: payout.id }).update({ manual_review: true, review_reason: reason, updated_at: this.db.fn.now() });
    await this.db('payout_events').insert({
      payout_id: payout.id,
      from_status: payout.status,
      to_status: payout.status,
      source: 'worker',
      detail: JSON.stringify({ manualReview: reason }),
    });
    this.log.warn('payout flagged for manual review', { payoutId: payout.id, reason });
  }

  /** Task payout_send. */
  async send(payoutId: string): Promise<void> {
    const claim = await this.db.transaction(async (trx) => {
      const p: PayoutRow | undefined = await trx('payouts').where({ id: payoutId }).forUpdate().first();
      if (!p || p.status !== 'requested') return undefined; // cancelled, or already sent
      if (p.send_started_at) return 'in_doubt' as const; // an earlier send may have reached the provider
      await trx('payouts').where({ id: payoutId }).update({ send_started_at: trx.fn.now(), send_attempts: p.send_attempts + 1 });
      return 'claimed' as const;
    });
    if (claim === 'in_doubt') return this.check(payoutId, 'send');
    if (claim !== 'claimed') return;
    const loaded = await loadOrder(this.db, payoutId);
    const provider = this.providers.get(loaded!.payout.provider as PayoutProviderName);
    if (!provider) return this.flagForReview(loaded!.payout, `provider ${loaded!.payout.provider} is not configured on this server`);
    let result;
    try {
      result = await provider.send(loaded!.order);
    } catch (error) {
      if (!(error instanceof ProviderUnavailable)) throw error;
      await movePayout(this.db, payoutId, { to: 'unknown', source: 'send', detail: { error: error.message } });
      return enqueue(this.db, TASKS.check, payoutId, { delayMs: this.scaled(nextCheckDelayMs(0, 0)) });
    }
    if (result.outcome === 'duplicate') return this.check(payoutId, 'send');
    if (result.outcome === 'rejected') {
      await movePayout(this.db, payoutId, { to: 'failed', source: 'send', detail: { reason: result.reason } });
      return;
    }
    await movePayout(this.db, payoutId, {
      to: result.status === 'requested' ? 'submitted' : result.status,
      source: 'send',
      providerStatus: result.providerStatus,
      providerReference: result.reference,
    });
    await enqueue(this.db, TASKS.check, payoutId, { delayMs: this.scaled(nextCheckDelayMs(0, 0)) });
  }

  /** Task payout_check: ask the provider, adopt its answer, plan the next check. */
  async check(payoutId: string, source = 'poll'): Promise<void> {
    const loaded = await loadOrder(this.db, payoutId);
    if (!loaded) return;
    const { payout, order } = loaded;
    const inDoubt = payout.status === 'unknown' || (payout.status === 'requested' && payout.send_started_at !== null);
    if (FINAL.has(payout.status) && source === 'poll') return;
    if (payout.status === 'requested' && !inDoubt) return; // not sent yet: its send job will do it
    const provider = this.providers.get(payout.provider as PayoutProviderName);
    if (!provider) return this.flagForReview(payout, `provider ${payout.provider} is not configured on this server`);
    await this.db('payouts').where({ id: payoutId }).update({ check_count: payout.check_count + 1, last_checked_at: this.db.fn.now() });
    try {
      const result = await provider.status(order, payout.provider_reference);
      if (result.found) {
        if (result.amount !== undefined && Number(result.amount).toFixed(2) !== order.amount) {
          await this.flagForReview(payout, `provider reports amount ${result.amount}, we sent ${order.amount}`);
        }
        await movePayout(this.db, payoutId, {
          to: result.status,
          source,
          providerStatus: result.providerStatus,
          providerReference: result.reference,
        });
      } else if (inDoubt) {
        // the provider confirms it never got the order: only now may it be sent again, under the same id
        await this.db('payouts').where({ id: payoutId }).update({ status: 'requested', send_started_at: null, updated_at: this.db.fn.now() });
        await this.db('payout_events').insert({ payout_id: payoutId, from_status: payout.status, to_status: 'requested', source, detail: JSON.stringify({ reason: 'the provider has no such order' }) });
        return enqueue(this.db, TASKS.send, payoutId);
      } else if (!FINAL.has(payout.status)) {
        await this.flagForReview(payout, 'the provider reports no such order although it accepted it');
      }
    } catch (error) {
      if (!(error instanceof ProviderUnavailable)) throw error;
      this.log.warn('payout status check failed', { payoutId, error: error.message });
    }
    await this.planNextCheck(payoutId);
  }

  private async planNextCheck(payoutId: string): Promise<void> {
    const payout: PayoutRow = await this.db('payouts').where({ id: payoutId }).first();
    if (FINAL.has(payout.status) || payout.status === 'requested') return;
    const age = Date.now() - payout.requested_at.getTime();
    if (age > this.scaled(REVIEW_AFTER_MS)) await this.flagForReview(payout, 'no final status within 72 hours');
    await enqueue(this.db, TASKS.check, payoutId, { delayMs: this.scaled(nextCheckDelayMs(payout.check_count, age)) });
  }

  /**
   * The operator's cancel: a payout not sent yet is cancelled here; a sent one only where its provider still
   * allows it (Hashlee while OPEN), and then the provider's answer is what the payout records.
   */
  async cancel(payoutId: string): Promise<{ cancelled: boolean; payout: PayoutRow; reason?: string }> {
    const direct = await movePayout(this.db, payoutId, {
      to: 'cancelled',
      source: 'operator',
      from: ['requested'],
      guard: (p) => (p.send_started_at ? 'a send is in progress' : undefined),
    });
    if (direct.moved) return { cancelled: true, payout: direct.payout };
    const loaded = await loadOrder(this.db, payoutId);
    const provider = this.providers.get(loaded!.payout.provider as PayoutProviderName);
    const { payout, order } = loaded!;
    if (!provider?.cancel || !payout.provider_reference || payout.status !== 'submitted') {
      return { cancelled: false, payout, reason: `payout is ${payout.status}; ${payout.provider} does not allow cancelling it now` };
    }
    let accepted = false;
    try {
      accepted = await provider.cancel(order, payout.provider_reference);
    } catch (error) {
      if (!(error instanceof ProviderUnavailable)) throw error;
    }
    if (!accepted) return { cancelled: false, payout, reason: `${payout.provider} refused to cancel it` };
    await this.check(payoutId, 'operator');
    const after: PayoutRow = await this.db('payouts').where({ id: payoutId }).first();
    return { cancelled: after.status === 'cancelled', payout: after, reason: after.status === 'cancelled' ? undefined : `the provider reports ${after.provider_status}` };
  }

  /** Task payout_sweep (every minute): a check for every open payout, in case a worker died holding its job. */
  /** Our payouts requested in the range against the provider's records (README: "Reconciliation"). */
  async reconcile(providerName: string, range: { from: Date; to: Date }, onProgress?: OnProgress): Promise<Reconciliation> {
    const provider = this.providers.get(providerName as PayoutProviderName);
    if (!provider) throw new ApiError(400, 'VALIDATION_ERROR', `payout provider ${providerName} is not configured`, 'provider');
    return reconcilePayouts(this.db, provider, range, onProgress);
  }

  async sweep(): Promise<void> {
    const open: { id: string }[] = await this.db('payouts')
      .whereIn('status', ['submitted', 'processing', 'on_hold', 'unknown'])
      .orWhere((q) => q.where('status', 'requested').whereNotNull('send_started_at'))
      .select('id');
    for (const { id } of open) await enqueue(this.db, TASKS.check, id, { keyMode: 'preserve_run_at' });
  }

  /** A provider's callback: verified, then each payout it names gets a status check right away. */
  async webhook(providerName: string, headers: Record<string, string | string[] | undefined>, rawBody: Buffer): Promise<WebhookResult & { checked?: number }> {
    const provider = this.providers.get(providerName as PayoutProviderName);
    if (!provider) return { valid: false, reason: `no provider ${providerName} is configured` };
    let verdict: WebhookResult;
    try {
      verdict = provider.verifyWebhook(headers, rawBody);
    } catch {
      return { valid: false, reason: 'unreadable callback' };
    }
    if (!verdict.valid) return verdict;
    let checked = 0;
    for (const ref of verdict.payouts) {
      if (!ref.reference && !ref.ourId) continue;
      const payout = await this.db('payouts')
        .where({ provider: providerName })
        .andWhere((q) => {
          if (ref.reference) q.orWhere('provider_reference', ref.reference);
          if (ref.ourId && /^[0-9a-f-]{36}$/.test(ref.ourId)) q.orWhere('id', ref.ourId);
        })
        .first('id');
      if (!payout) continue;
      await enqueue(this.db, TASKS.check, payout.id, { source: 'webhook' });
      checked += 1;
    }
    return { ...verdict, checked };
  }
}
