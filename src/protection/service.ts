import { Knex } from 'knex';
import { PayoutsConfig, ProtectionConfig } from '../config';
import { ApiError } from '../http';
import { addJob, Jobs } from '../jobs';
import { Logger } from '../log';
import { PlayerProtection, ProtectedPlayer } from '../operator';
import { isValidCpf } from '../payouts';
import { askRegister, CheckTrigger, dayIn, RegisterCheck, RegisteredPlayer } from './checks';
import { advanceImpediments, impede } from './impediments';
import { ImpedimentRegistry, sigapRegistry, UNCONFIGURED_REGISTRY } from './registry';
import { dueSweep, runSweep } from './sweep';
import { OnProgress } from '../progress';

export const PROTECTION_TASKS = { recheck: 'register_recheck', tick: 'protection_tick', sweep: 'register_sweep' } as const;

export interface ProtectionDeps {
  db: Knex;
  config: ProtectionConfig;
  logger: Logger;
  payouts: PayoutsConfig;
  approvalThresholds: Record<string, string>;
}

/** Writes the jurisdiction where the wallet's routines read it (wallet_settings): its rules apply from the next bet. */
export async function applyJurisdiction(db: Knex, config: ProtectionConfig | undefined): Promise<void> {
  await db('wallet_settings').update({ jurisdiction: config?.jurisdiction ?? null, time_zone: config?.timeZone ?? 'UTC' });
}

/**
 * Brazil's player protection (docs/protection.md): the SPA register check of every CPF at registration, at the
 * first session of each day and in the 15-day sweep, failing closed; and the steps of an impediment.
 */
export class Protection implements PlayerProtection {
  readonly registry: ImpedimentRegistry;

  constructor(private readonly deps: ProtectionDeps) {
    this.registry = deps.config.sigap ? sigapRegistry(deps.config.sigap) : UNCONFIGURED_REGISTRY;
  }

  /** A CPF the register bars is refused (403 PLAYER_IMPEDED) and no player is created; an outage lets the player exist with bets and deposits waiting. */
  async admit(input: { playerId: string; documentNumber?: string }, traceId: string) {
    const cpf = input.documentNumber?.replace(/\D/g, '') ?? '';
    if (!isValidCpf(cpf)) {
      throw new ApiError(400, 'VALIDATION_ERROR', 'documentNumber must be the player\'s CPF under JURISDICTION=BR: it is checked against the SPA register', 'documentNumber');
    }
    const existing = await this.deps.db('players').where({ external_id: input.playerId }).first('id');
    if (existing) return async () => undefined; // a repeated creation: the player was checked when created
    const check = await askRegister(this.deps.db, this.registry, this.deps.logger, { cpf, playerId: null, trigger: 'registration', traceId, now: new Date() });
    if (check.outcome === 'impeded') {
      throw new ApiError(403, 'PLAYER_IMPEDED', `the SPA register bars this CPF from betting (${check.reason}): no account is opened`);
    }
    return async (trx: Knex.Transaction, playerId: string) => {
      await trx('register_checks').where({ id: check.id }).update({ player_id: playerId });
      await this.recordOutcome(trx, playerId, check, 'registration');
      if (check.outcome === 'unreachable') await this.queueRecheck(trx, playerId);
    };
  }

  async beforeSession(player: ProtectedPlayer, traceId: string): Promise<void> {
    if (player.status === 'impeded' || player.status === 'closed') return;
    // created before JURISDICTION=BR without a CPF: nothing to ask, and bets stay refused while it is unchecked
    if (!player.document_number) return;
    // the first session of every day asks the register, whenever the account was created (a check at registration is another event)
    if (player.session_checked_on === dayIn(this.deps.config.timeZone, new Date()) && player.register_state === 'clear') return;
    await this.checkPlayer(player, 'daily', traceId);
  }

  admitDeposit(player: ProtectedPlayer): void {
    if (player.register_state !== 'clear') {
      throw new ApiError(409, 'REGISTER_CHECK_PENDING', `the SPA register has not cleared player ${player.external_id} yet (the last check could not reach it); deposits wait for a successful check`);
    }
  }

  /**
   * Checks one player now and applies the answer: cleared for the day, impeded at once, or (an outage) bets and
   * deposits wait while a re-check is queued with backoff.
   */
  async checkPlayer(player: RegisteredPlayer, trigger: CheckTrigger, traceId: string, now = new Date()): Promise<RegisterCheck> {
    const playerId = player.id;
    const check = await askRegister(this.deps.db, this.registry, this.deps.logger, { cpf: player.document_number!.replace(/\D/g, ''), playerId, trigger, traceId, now });
    if (check.outcome === 'impeded') {
      await impede(this.deps.db, playerId, check, traceId);
    } else {
      await this.deps.db.transaction(async (trx) => {
        await this.recordOutcome(trx, playerId, check, trigger);
        if (check.outcome === 'unreachable' && trigger !== 'retry') await this.queueRecheck(trx, playerId);
      });
    }
    return check;
  }

  private async recordOutcome(trx: Knex.Transaction, playerId: string, check: RegisterCheck, trigger: CheckTrigger) {
    const day = dayIn(this.deps.config.timeZone, check.checkedAt);
    await trx('players').where({ id: playerId }).update(check.outcome === 'permitted'
      ? { register_state: 'clear', register_checked_on: day, ...(trigger === 'daily' || trigger === 'retry' ? { session_checked_on: day } : {}) }
      : { register_state: 'unreachable' });
  }

  private async queueRecheck(trx: Knex.Transaction, playerId: string) {
    await addJob(trx, PROTECTION_TASKS.recheck, { playerId }, { key: `${PROTECTION_TASKS.recheck}:${playerId}`, delayMs: 5000 });
  }

  /** The queued re-check: an outage again throws, so the queue retries it with exponential backoff. */
  async recheck(playerId: string): Promise<RegisterCheck> {
    const player: RegisteredPlayer = await this.deps.db('players').where({ id: playerId }).first('id', 'document_number');
    const check = await this.checkPlayer(player, 'retry', `recheck-${playerId}-${Date.now()}`);
    if (check.outcome === 'unreachable') throw new Error(`the SPA register is still unreachable for player ${playerId}`);
    return check;
  }

  /** Every impediment's due step at `now`: closing, paying back, or parking as unclaimed. */
  tick(now: Date, traceId: string) {
    return advanceImpediments({ db: this.deps.db, payouts: this.deps.payouts, approvalThresholds: this.deps.approvalThresholds, logger: this.deps.logger }, now, traceId);
  }

  /**
   * The sweep of every open account: resumes an unfinished one, else starts one if the last began 14 days ago (or
   * `force`, the operator asking). Answers the sweep as it ended, or null when none was due.
   */
  async sweep(options: { force?: boolean; onProgress?: OnProgress; signal?: AbortSignal; traceId: string }) {
    const sweep = await dueSweep(this.deps.db, new Date(), options.force);
    if (!sweep) return null;
    return runSweep({ db: this.deps.db, check: (player) => this.checkPlayer(player, 'sweep', options.traceId),
      ratePerSecond: this.deps.config.sigap?.sweepRatePerSecond ?? 20, onProgress: options.onProgress, signal: options.signal }, sweep);
  }

  jobs(): Jobs {
    return {
      tasks: {
        [PROTECTION_TASKS.recheck]: async (payload) => {
          await this.recheck((payload as { playerId: string }).playerId);
        },
        [PROTECTION_TASKS.tick]: async () => {
          await this.tick(new Date(), `tick-${Date.now()}`);
        },
        [PROTECTION_TASKS.sweep]: async () => {
          await this.sweep({ traceId: `sweep-${Date.now()}` });
        },
      },
      crontab: [`*/5 * * * * ${PROTECTION_TASKS.tick}`, `0 * * * * ${PROTECTION_TASKS.sweep}`],
    };
  }
}
