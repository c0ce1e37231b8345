import { Knex } from 'knex';
import { PayoutProviderName } from '../config';
import { ApiError, uuidShaped } from '../http';
import { formatAmount } from '../ledger';
import { Logger } from '../log';
import { PlayerProtection, ProtectedPlayer } from '../operator';
import { ChargeLookup, ChargeRefused, PayinCharge, PayinProvider, PayoutProvider, providerAmount, ProviderUnavailable } from '../payouts';
import { enqueueCheck } from './queue';
import { creditDecision } from './rules';
import { OPEN } from './states';
import { DepositRow, lockDeposit, moveDeposit, moveLocked } from './transitions';

/** How long a charge may be paid: the player pays within minutes, and a short life keeps stale codes from circulating. */
export const CHARGE_LIFETIME_MS = 30 * 60 * 1000;
/** A create whose answer was lost and whose charge no lookup finds by then never reached the provider. */
const CREATE_FORGOTTEN_AFTER_MS = 10 * 60 * 1000;
/** A create under way this long was cut short (its process died): another request may take it over. */
const CREATE_CLAIM_MS = 30_000;

/** When to look a charge up again: 5 s doubling to a minute while it may be paid, then hourly a day after it was made. */
export function nextCheckDelayMs(checksDone: number, ageMs: number): number {
  return ageMs > 24 * 60 * 60 * 1000 ? 60 * 60 * 1000 : Math.min(5000 * 2 ** checksDone, 60_000);
}

type DepositPlayer = ProtectedPlayer & { paused_until: Date | null; currency: string; first_name: string | null; last_name: string | null };

/**
 * Makes the deposits' charges and follows them to their end. Rules: a callback only triggers a lookup; money moves
 * only on the provider's own lookup saying paid; a paid charge is credited once (its ledger leg is keyed by the
 * deposit) or held; a create whose answer was lost is looked up by our id before another is made.
 */
export class DepositEngine {
  constructor(
    private readonly db: Knex,
    private readonly providers: Map<PayoutProviderName, PayoutProvider>,
    private readonly protection: PlayerProtection,
    private readonly log: Logger,
    /** Multiplies the polling schedule (1 in production; tests shrink it). */
    private readonly timeScale = 1,
  ) {}

  takesDeposits(provider: string): boolean {
    return this.payinOf(provider) !== undefined;
  }

  /** The providers that take deposits, the default first, with how each shows the payer. */
  payinProviders(defaultProvider: string | undefined) {
    return [...this.providers.entries()]
      .filter(([, provider]) => provider.payin)
      .sort(([a], [b]) => Number(b === defaultProvider) - Number(a === defaultProvider))
      .map(([name, provider]) => ({ name, default: name === defaultProvider, payerShownBy: provider.payin!.payerProof ?? null }));
  }

  private payinOf(provider: string): PayinProvider | undefined {
    return this.providers.get(provider as PayoutProviderName)?.payin;
  }

  private charge(deposit: DepositRow, player: DepositPlayer): PayinCharge {
    const name = [player.first_name, player.last_name].filter(Boolean).join(' ') || null;
    const expiresAt = new Date(deposit.created_at.getTime() + this.scaled(CHARGE_LIFETIME_MS));
    return { id: deposit.id, amount: formatAmount(BigInt(deposit.amount), 2), currency: 'BRL', playerId: player.external_id,
      playerDocument: player.document_number!.replace(/\D/g, ''), playerName: name, expiresAt };
  }

  private async playerOf(db: Knex | Knex.Transaction, deposit: DepositRow): Promise<DepositPlayer> {
    return db('players').where({ id: deposit.player_id }).first();
  }

  /**
   * Makes the charge of a deposit still `created`, one request at a time (another gets 409 DEPOSIT_IN_PROGRESS).
   * An earlier create whose answer was lost is looked up by our id first; only a charge no lookup finds is made
   * again (nobody holds the first one's code, so no charge is paid twice).
   */
  async makeCharge(deposit: DepositRow, player: DepositPlayer): Promise<DepositRow> {
    const [claimed]: DepositRow[] = await this.db('deposits')
      .where({ id: deposit.id, status: 'created' })
      .andWhere((q) => q.whereNull('create_started_at').orWhere('create_started_at', '<', new Date(Date.now() - CREATE_CLAIM_MS)))
      .update({ create_started_at: this.db.fn.now(), create_attempts: this.db.raw('create_attempts + 1') })
      .returning('*');
    if (!claimed) {
      const now: DepositRow = await this.db('deposits').where({ id: deposit.id }).first();
      if (now.status !== 'created') return now;
      throw new ApiError(409, 'DEPOSIT_IN_PROGRESS', `the charge of ${deposit.transaction_id} is being made by another request; send it again in a moment`);
    }
    const payin = this.payinOf(deposit.provider)!;
    const charge = this.charge(claimed, player);
    try {
      const earlier = claimed.create_attempts > 1 ? await payin.chargeStatus(charge, null) : { found: false as const };
      if (earlier.found) {
        await this.adopt(claimed.id, earlier, 'create');
      } else {
        const made = await payin.createCharge(charge);
        await moveDeposit(this.db, claimed.id, { to: 'pending', source: 'create', providerStatus: made.providerStatus,
          set: { provider_reference: made.reference, qr_code: made.qrCode, copy_paste: made.copyPaste, expires_at: made.expiresAt ?? charge.expiresAt } });
      }
      await enqueueCheck(this.db, claimed.id, this.scaled(nextCheckDelayMs(0, 0)));
    } catch (error) {
      if (error instanceof ChargeRefused) {
        await moveDeposit(this.db, claimed.id, { to: 'failed', source: 'create', set: { held_reason: error.message }, detail: { reason: error.message } });
      } else if (error instanceof ProviderUnavailable) {
        // the charge may exist: the poller and a retry look it up by our id before another is made
        this.log.warn('deposit charge create failed', { depositId: claimed.id, error: error.message });
        await this.db('deposits').where({ id: claimed.id }).update({ create_started_at: null });
        await enqueueCheck(this.db, claimed.id, this.scaled(nextCheckDelayMs(0, 0)));
        throw new ApiError(502, 'DEPOSIT_PROVIDER_UNAVAILABLE', `${deposit.provider} did not answer the charge (${error.message}); it may have been made: send the same request again (same transactionId), and it is looked up before another is made`);
      } else {
        throw error;
      }
    }
    return this.db('deposits').where({ id: deposit.id }).first();
  }

  private scaled(ms: number): number {
    return ms * this.timeScale;
  }

  /** Task deposit_check: ask the provider, adopt its answer, plan the next check. */
  async check(depositId: string, source = 'poll'): Promise<void> {
    const deposit: DepositRow | undefined = await this.db('deposits').where({ id: depositId }).first();
    if (!deposit) return;
    if (!OPEN.includes(deposit.status) && !(source === 'webhook' && deposit.status === 'expired')) return;
    const payin = this.payinOf(deposit.provider);
    if (!payin) return;
    const player = await this.playerOf(this.db, deposit);
    await this.db('deposits').where({ id: depositId }).update({ check_count: deposit.check_count + 1, last_checked_at: this.db.fn.now() });
    try {
      const found = await payin.chargeStatus(this.charge(deposit, player), deposit.provider_reference);
      if (found.found) await this.adopt(depositId, found, source);
      else if (deposit.status === 'created' && Date.now() - deposit.created_at.getTime() > CREATE_FORGOTTEN_AFTER_MS) {
        await moveDeposit(this.db, depositId, { to: 'failed', source, detail: { reason: 'the provider holds no charge with our id: the create never reached it' } });
      } else if (deposit.status === 'pending') {
        this.log.warn('deposit charge not found at its provider', { depositId, reference: deposit.provider_reference });
      }
    } catch (error) {
      if (!(error instanceof ProviderUnavailable)) throw error;
      this.log.warn('deposit status check failed', { depositId, error: error.message });
    }
    const after: DepositRow = await this.db('deposits').where({ id: depositId }).first();
    if (OPEN.includes(after.status)) await enqueueCheck(this.db, depositId, this.scaled(nextCheckDelayMs(after.check_count, Date.now() - after.created_at.getTime())));
  }

  /** A lookup's answer, taken: pending (a lost create's charge found), ended, or paid and then credited or held, all under the row lock. */
  private async adopt(depositId: string, found: Extract<ChargeLookup, { found: true }>, source: string): Promise<void> {
    await this.db.transaction(async (trx) => {
      const deposit = await lockDeposit(trx, depositId);
      const base = { source, providerStatus: found.providerStatus };
      if (found.status !== 'paid') {
        const set = deposit.provider_reference ? undefined : { provider_reference: found.reference };
        if (found.status !== deposit.status) await moveLocked(trx, deposit, { ...base, to: found.status, set });
        else await trx('deposits').where({ id: depositId }).update({ provider_status: found.providerStatus, ...set });
        return;
      }
      const paidAmount = found.paidAmount === undefined ? BigInt(deposit.amount) : providerAmount(found.paidAmount);
      const paid = await moveLocked(trx, deposit, { ...base, to: 'paid',
        set: { provider_reference: deposit.provider_reference ?? found.reference, paid_amount: paidAmount.toString(), payer_document: found.payerDocument ?? null },
        detail: { paidAmount: found.paidAmount ?? null, payerDocumentGiven: found.payerDocument !== undefined } });
      if (!paid) return; // already paid and settled by another check
      const player = await trx('players').where({ id: deposit.player_id }).forUpdate()
        .first('*', trx.raw('(SELECT kyc_required FROM wallet_settings) AS kyc_required'));
      const decision = await creditDecision(trx, paid, { paidAmount, payerDocument: found.payerDocument, thirdPartiesAllowed: found.thirdPartiesAllowed }, this.payinOf(deposit.provider)!.payerProof, player, this.protection);
      await moveLocked(trx, paid, decision.held
        ? { source, to: 'held', set: { held_reason: decision.held, payer_shown_by: decision.shownBy ?? null }, detail: { reason: decision.held } }
        : { source, to: 'credited', set: { payer_shown_by: decision.shownBy! }, detail: { payerShownBy: decision.shownBy } });
      if (decision.held) this.log.warn('deposit held', { depositId, reason: decision.held });
    });
  }

  /** The provider's word on a deposit's charge, by its reference or (a create whose answer was lost) by our id. */
  async lookUp(deposit: DepositRow) {
    return this.payinOf(deposit.provider)!.chargeStatus(this.charge(deposit, await this.playerOf(this.db, deposit)), deposit.provider_reference);
  }

  /** Task deposit_sweep (every minute): a check for every open deposit, in case a worker died holding its job. */
  async sweep(): Promise<void> {
    const open: { id: string }[] = await this.db('deposits').whereIn('status', OPEN as string[]).select('id');
    for (const { id } of open) await enqueueCheck(this.db, id, 0, 'preserve_run_at');
  }

  /**
   * A provider's callback: verified as the provider documents it, then each charge it names that is ours is looked
   * up right away. A callback naming none of our charges is refused, like a forged one.
   */
  async webhook(providerName: string, headers: Record<string, string | string[] | undefined>, rawBody: Buffer) {
    const payin = this.payinOf(providerName);
    if (!payin) return { valid: false as const, reason: `no provider ${providerName} with a pay-in is configured` };
    let verdict;
    try {
      verdict = payin.verifyChargeWebhook(headers, rawBody);
    } catch {
      return { valid: false as const, reason: 'unreadable callback' };
    }
    if (!verdict.valid) return verdict;
    const ids: string[] = [];
    for (const ref of verdict.charges) {
      const ourId = ref.ourId && uuidShaped(ref.ourId) ? ref.ourId : undefined;
      if (!ref.reference && !ourId) continue;
      const deposit = await this.db('deposits')
        .where({ provider: providerName })
        .andWhere((q) => {
          if (ref.reference) q.orWhere('provider_reference', ref.reference);
          if (ourId) q.orWhere('id', ourId);
        })
        .first('id');
      if (deposit) ids.push(deposit.id);
    }
    if (ids.length === 0) return { valid: false as const, reason: 'the callback names no charge of ours' };
    for (const id of ids) await this.check(id, 'webhook');
    return { valid: true as const, checked: ids.length };
  }
}
