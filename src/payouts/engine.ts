import { Knex } from 'knex';
import { PayoutProviderName, PayoutsConfig } from '../config';
import { ApiError, uuidShaped } from '../http';
import { Logger } from '../log';
import { OnProgress } from '../progress';
import { jumppag } from './providers/jumppag';
import { paystar } from './providers/paystar';
import { hashlee } from './providers/hashlee';
import { orkestra } from './providers/orkestra';
import { sandbox } from './providers/sandbox';
import { PayoutProvider, ProviderUnavailable, WebhookResult } from './providers/types';
import { enqueue, TASKS } from './queue';
import { backoffMs, LOOKUPS_BEFORE_REVIEW, nextCheckDelayMs, RESENDS_AT_MOST, REVIEW_AFTER_MS } from './schedule';
import { FINAL, IN_DOUBT } from './states';
import { reconcilePayouts, Reconciliation } from './reconcile';
import { loadOrder } from './orders';
import { movePayout, MoveResult, PayoutRow } from './transitions';

/** How often a send held by a suspension asks again whether it may go. */
const SUSPENSION_RETRY_MS = 15 * 60_000;

type ProviderFactory = (settings: NonNullable<PayoutsConfig['providers'][PayoutProviderName]>, options: { timeoutMs: number; notificationUrl?: string; payinNotificationUrl?: string }) => PayoutProvider;
const FACTORIES: Record<PayoutProviderName, ProviderFactory> = { jumppag, paystar, hashlee, orkestra, sandbox };

/** Builds the adapters of the configured providers; a provider missing a setting fails at start, not mid-payout. */
export function buildProviders(config: PayoutsConfig): Map<PayoutProviderName, PayoutProvider> {
  const providers = new Map<PayoutProviderName, PayoutProvider>();
  for (const [name, settings] of Object.entries(config.providers) as [PayoutProviderName, NonNullable<PayoutsConfig['providers'][PayoutProviderName]>][]) {
    const factory = FACTORIES[name];
    if (!factory) continue;
    const callbackUrl = (of: string) => (config.webhookBaseUrl ? `${config.webhookBaseUrl}/webhooks/${of}/${name}` : undefined);
    providers.set(name, factory(settings, { timeoutMs: config.httpTimeoutMs ?? 10_000, notificationUrl: callbackUrl('payouts'), payinNotificationUrl: callbackUrl('deposits') }));
  }
  return providers;
}

/**
 * Sends payouts and follows them to a final state. Rules: a payout goes to exactly one provider, chosen at
 * request; our id is the provider's idempotency key; a send whose outcome is not known is looked up by our id with
 * backoff, and sent again (under the same id, a bounded number of times) only to a provider that documents
 * refusing an id it already holds; elsewhere it goes to review; a webhook only triggers a status check.
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

  /**
   * Claims a payout for a send under its row lock: its first send, or a re-send its lookups or the operator allowed.
   * A send of a player suspended while fraud is investigated (docs/kyc.md) waits, reserved, until a person lifts it.
   */
  private claimSend(payoutId: string): Promise<'claimed' | 'in_doubt' | 'held' | undefined> {
    return this.db.transaction(async (trx) => {
      const p: PayoutRow | undefined = await trx('payouts').where({ id: payoutId }).forUpdate().first();
      if (!p) return undefined;
      const resend = p.resend_due && (IN_DOUBT.has(p.status) || p.status === 'requested');
      if (!resend && p.status === 'requested' && p.send_started_at) return 'in_doubt'; // an earlier send may have reached the provider
      if (!resend && p.status !== 'requested') return undefined; // cancelled, or sent
      if ((await trx('players').where({ id: p.player_id }).first<{ kyc_status: string }>('kyc_status')).kyc_status === 'suspended') {
        await this.noteSuspensionHold(trx, p);
        return 'held';
      }
      await trx('payouts').where({ id: payoutId }).update({ send_started_at: trx.fn.now(), send_attempts: p.send_attempts + 1, resend_due: false });
      return 'claimed';
    });
  }

  /** The first time a suspension holds a payout's send, its history says so. */
  private async noteSuspensionHold(trx: Knex.Transaction, p: PayoutRow): Promise<void> {
    const noted = await trx('payout_events').where({ payout_id: p.id }).whereRaw(`detail->>'heldBy' IS NOT NULL`).first('id');
    if (noted) return;
    await trx('payout_events').insert({ payout_id: p.id, from_status: p.status, to_status: p.status, source: 'worker',
      detail: JSON.stringify({ heldBy: 'the player is suspended while an investigation runs (docs/kyc.md); sent once a person lifts it' }) });
    this.log.warn('payout held: player suspended', { payoutId: p.id });
  }

  /** Task payout_send. */
  async send(payoutId: string): Promise<void> {
    const claim = await this.claimSend(payoutId);
    if (claim === 'in_doubt') return this.check(payoutId, 'send');
    if (claim === 'held') return enqueue(this.db, TASKS.send, payoutId, { delayMs: this.scaled(SUSPENSION_RETRY_MS) });
    if (claim !== 'claimed') return;
    const loaded = await loadOrder(this.db, payoutId);
    const { payout, order } = loaded!;
    const provider = this.providers.get(payout.provider as PayoutProviderName);
    if (!provider) return this.flagForReview(payout, `provider ${payout.provider} is not configured on this server`);
    let result;
    try {
      result = await provider.send(order);
    } catch (error) {
      if (!(error instanceof ProviderUnavailable)) throw error;
      await movePayout(this.db, payoutId, { to: 'unknown', source: 'send', detail: { error: error.message } });
      return this.lookUpLater(payoutId, payout.missed_lookups);
    }
    if (result.outcome === 'duplicate') {
      // the provider holds an order with our id: sending again could only be refused again
      await this.db('payouts').where({ id: payoutId }).update({ duplicate_refused: true });
      await movePayout(this.db, payoutId, { to: 'unknown', source: 'send', detail: { reason: 'the provider already holds an order with our id' } });
      return this.lookUpLater(payoutId, payout.missed_lookups);
    }
    if (result.outcome === 'rejected') {
      // a refused re-send says nothing of the first send, whose outcome is still unknown
      const resent = payout.send_attempts > 1;
      await movePayout(this.db, payoutId, resent
        ? { to: 'review', source: 'send', review: `a re-send was refused (${result.reason}); the first send's outcome is unknown` }
        : { to: 'failed', source: 'send', detail: { reason: result.reason } });
      if (resent) await this.planNextCheck(payoutId);
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

  private lookUpLater(payoutId: string, missedLookups: number): Promise<void> {
    return enqueue(this.db, TASKS.check, payoutId, { delayMs: this.scaled(backoffMs(missedLookups)) });
  }

  /**
   * A lookup by our id found nothing for a payout in doubt. That is no proof: a lookup may lag behind the create.
   * So the payout is sent again only where the provider refuses duplicate ids; otherwise it is looked up again with
   * backoff and, still not found, goes to review. Nothing here ever re-sends blind.
   */
  private async afterMissedLookup(payout: PayoutRow, provider: PayoutProvider): Promise<void> {
    const missed = payout.missed_lookups + 1;
    if (payout.status !== 'review' && provider.refusesDuplicateIds && !payout.duplicate_refused && payout.send_attempts <= RESENDS_AT_MOST) {
      await this.db.transaction(async (trx) => {
        await trx('payouts').where({ id: payout.id }).update({ missed_lookups: missed, resend_due: true, updated_at: trx.fn.now() });
        await trx('payout_events').insert({
          payout_id: payout.id,
          from_status: payout.status,
          to_status: payout.status,
          source: 'poll',
          detail: JSON.stringify({ reason: `the provider shows no such order; re-sent under the same id, which ${provider.name} refuses if it holds it` }),
        });
        await enqueue(trx, TASKS.send, payout.id, { delayMs: this.scaled(backoffMs(payout.send_attempts - 1)) });
      });
      return;
    }
    await this.db('payouts').where({ id: payout.id }).update({ missed_lookups: missed });
    if (payout.status === 'review') return this.planNextCheck(payout.id); // it stays in review, and keeps being looked up
    if (missed < LOOKUPS_BEFORE_REVIEW) return this.lookUpLater(payout.id, missed);
    const why = provider.refusesDuplicateIds ? 'and may not be sent again' : `and ${provider.name} documents no refusal of a duplicate id, so it is never re-sent automatically`;
    await movePayout(this.db, payout.id, {
      to: 'review',
      source: 'poll',
      review: `the send's outcome is unknown: ${missed} lookups by our id found no order, ${why}`,
    });
    this.log.warn('payout sent to review', { payoutId: payout.id, lookups: missed });
    await this.planNextCheck(payout.id);
  }

  /** Task payout_check: ask the provider, adopt its answer, plan the next check. */
  async check(payoutId: string, source = 'poll'): Promise<void> {
    const loaded = await loadOrder(this.db, payoutId);
    if (!loaded) return;
    const { payout, order } = loaded;
    const inDoubt = IN_DOUBT.has(payout.status) || (payout.status === 'requested' && payout.send_started_at !== null);
    if (FINAL.has(payout.status) && source === 'poll') return;
    if (payout.status === 'requested' && !inDoubt) return; // not sent yet: its send job will do it
    if (payout.resend_due) return; // its re-send job owns it until it runs
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
        return await this.afterMissedLookup(payout, provider);
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
    if (FINAL.has(payout.status) || payout.status === 'requested' || payout.status === 'pending_approval') return;
    const age = Date.now() - payout.requested_at.getTime();
    if (age > this.scaled(REVIEW_AFTER_MS)) await this.flagForReview(payout, 'no final status within 72 hours');
    await enqueue(this.db, TASKS.check, payoutId, { delayMs: this.scaled(nextCheckDelayMs(payout.check_count, age)) });
  }

  /**
   * The operator's cancel: a payout not sent yet is cancelled here; a sent one only where its provider still
   * allows it (Hashlee while OPEN), and then the provider's answer is what the payout records.
   */
  async cancel(payoutId: string, audit: (trx: Knex.Transaction) => Promise<void>, auditAsking: (db: Knex) => Promise<void>): Promise<{ cancelled: boolean; payout: PayoutRow; reason?: string }> {
    const direct = await movePayout(this.db, payoutId, {
      to: 'cancelled',
      source: 'operator',
      from: ['requested'],
      guard: (p) => (p.send_started_at ? 'a send is in progress' : undefined),
      then: audit,
    });
    if (direct.moved) return { cancelled: true, payout: direct.payout };
    const loaded = await loadOrder(this.db, payoutId);
    const provider = this.providers.get(loaded!.payout.provider as PayoutProviderName);
    const { payout, order } = loaded!;
    if (!provider?.cancel || !payout.provider_reference || payout.status !== 'submitted') {
      return { cancelled: false, payout, reason: `payout is ${payout.status}; ${payout.provider} does not allow cancelling it now` };
    }
    let accepted = false;
    await auditAsking(this.db);
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

  /**
   * The operator's decision on a payout in review, made after asking the provider: `resend` sends it again under
   * the same id; `fail` ends it and gives the reserve back to the player. `audit` records who decided, in the same
   * transaction.
   */
  async decideReview(payoutId: string, decision: 'resend' | 'fail', note: string, audit: (trx: Knex.Transaction, payout: PayoutRow) => Promise<void>): Promise<MoveResult> {
    const detail = { decision, note };
    if (decision === 'fail') return movePayout(this.db, payoutId, { to: 'failed', from: ['review'], source: 'operator', detail, then: audit });
    return this.db.transaction(async (trx): Promise<MoveResult> => {
      const payout: PayoutRow = await trx('payouts').where({ id: payoutId }).forUpdate().first();
      if (payout.status !== 'review') return { moved: false, payout, reason: `is ${payout.status}` };
      const [updated]: PayoutRow[] = await trx('payouts').where({ id: payoutId }).update({ resend_due: true, missed_lookups: 0, updated_at: trx.fn.now() }).returning('*');
      await trx('payout_events').insert({ payout_id: payoutId, from_status: 'review', to_status: 'review', source: 'operator', detail: JSON.stringify(detail) });
      await audit(trx, updated);
      await enqueue(trx, TASKS.send, payoutId);
      return { moved: true, payout: updated };
    });
  }

  /** Our payouts requested in the range against the provider's records (README: "Reconciliation"). */
  async reconcile(providerName: string, range: { from: Date; to: Date }, onProgress?: OnProgress): Promise<Reconciliation> {
    const provider = this.providers.get(providerName as PayoutProviderName);
    if (!provider) throw new ApiError(400, 'VALIDATION_ERROR', `payout provider ${providerName} is not configured`, 'provider');
    return reconcilePayouts(this.db, provider, range, onProgress);
  }

  /** Task payout_sweep (every minute): a check (or a due re-send) for every open payout, in case a worker died holding its job. */
  async sweep(): Promise<void> {
    const open: { id: string; resend_due: boolean }[] = await this.db('payouts')
      .whereIn('status', ['submitted', 'processing', 'on_hold', 'unknown', 'review'])
      .orWhere((q) => q.where('status', 'requested').whereNotNull('send_started_at'))
      .select('id', 'resend_due');
    for (const { id, resend_due } of open) await enqueue(this.db, resend_due ? TASKS.send : TASKS.check, id, { keyMode: 'preserve_run_at' });
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
          if (ref.ourId && uuidShaped(ref.ourId)) q.orWhere('id', ref.ourId);
        })
        .first('id');
      if (!payout) continue;
      await enqueue(this.db, TASKS.check, payout.id, { source: 'webhook' });
      checked += 1;
    }
    return { ...verdict, checked };
  }
}
