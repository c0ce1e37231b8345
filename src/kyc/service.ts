import { createHash } from 'node:crypto';
import { Knex } from 'knex';
import { Actor, recordAudit } from '../audit';
import { ApiError } from '../http';
import { addJob, Jobs } from '../jobs';
import { decide, KYC_STATUSES, KycStatus, Review } from './states';
import { KycProviderUnavailable, SumsubClient } from './sumsub';

const VENDOR = 'sumsub';

/** Writes KYC_REQUIRED where the wallet's routines and the operator's checks read it (wallet_settings): it applies from the next call. */
export async function applyKycRequirement(db: Knex, required: boolean): Promise<void> {
  await db('wallet_settings').update({ kyc_required: required });
}

/** How long the casino's site may run Sumsub's flow with one SDK token. */
const SDK_TOKEN_TTL_SECONDS = 1800;

interface KycPlayer {
  id: string;
  external_id: string;
  first_name: string | null;
  last_name: string | null;
  birth_date: string | null;
  kyc_status: KycStatus;
}

/** The player by its operator id (external_id) or, from our own rows, its internal id. */
async function playerFor(db: Knex | Knex.Transaction, key: { external_id: string } | { id: string }, lock = false): Promise<KycPlayer> {
  const query = db('players').where(key)
    .first('id', 'external_id', 'first_name', 'last_name', db.raw(`to_char(birth_date, 'YYYY-MM-DD') AS birth_date`), 'kyc_status');
  const player = (await (lock ? query.forUpdate() : query)) as KycPlayer | undefined;
  if (!player) throw new ApiError(404, 'PLAYER_NOT_FOUND', `no player ${Object.values(key)[0]}`);
  return player;
}

const today = () => new Date().toISOString().slice(0, 10);

function outcomeOf(review: Review): string {
  return review.state === 'in_progress' ? 'in_progress' : review.answer === 'GREEN' ? 'GREEN' : `RED/${review.rejectType}`;
}

/** One check kept as evidence, and the player's state moved with it, under the player's row lock. */
async function record(trx: Knex.Transaction, player: KycPlayer, check: { reference: string | null; check: string; outcome: string; raw?: string;
  after: KycStatus; source: string; traceId: string }): Promise<void> {
  await trx('kyc_checks').insert({
    player_id: player.id, vendor: VENDOR, reference: check.reference, check: check.check, outcome: check.outcome,
    raw_sha256: check.raw === undefined ? null : createHash('sha256').update(check.raw).digest('hex'),
    status_before: player.kyc_status, status_after: check.after, source: check.source, trace_id: check.traceId,
  });
  if (check.after !== player.kyc_status) await trx('players').where('id', player.id).update({ kyc_status: check.after, kyc_status_at: trx.fn.now() });
}

/**
 * POST /operator/players/:playerId/kyc: the player's Sumsub applicant (made once, our player id as externalUserId)
 * and an SDK token for the casino's site to run Sumsub's flow. A player with no verification becomes pending.
 */
export async function startVerification(db: Knex, sumsub: SumsubClient | undefined, externalId: string, traceId: string) {
  if (!sumsub) throw new ApiError(503, 'KYC_NOT_CONFIGURED', 'no verification provider is configured: set SUMSUB_BASE_URL, SUMSUB_APP_TOKEN, SUMSUB_SECRET_KEY, SUMSUB_WEBHOOK_SECRET and SUMSUB_LEVEL_NAME');
  const player = await playerFor(db, { external_id: externalId });
  const known = await db('kyc_applicants').where({ player_id: player.id, vendor: VENDOR }).first<{ applicant_id: string } | undefined>('applicant_id');
  const fullName = [player.first_name, player.last_name].filter(Boolean).join(' ') || null;
  const { applicantId, token } = await unlessUnavailable(async () => {
    const applicant = known ? { applicantId: known.applicant_id } : await sumsub.applicantFor(externalId, { fullName, birthDate: player.birth_date });
    return { applicantId: applicant.applicantId, token: await sumsub.sdkToken(externalId, SDK_TOKEN_TTL_SECONDS) };
  }, traceId);
  const status = await db.transaction(async (trx) => {
    const locked = await playerFor(trx, { external_id: externalId }, true);
    await trx('kyc_applicants').insert({ player_id: locked.id, vendor: VENDOR, applicant_id: applicantId }).onConflict('player_id').ignore();
    if (locked.kyc_status !== 'none') return locked.kyc_status;
    await record(trx, locked, { reference: applicantId, check: 'applicant', outcome: 'created', after: 'pending', source: 'operator', traceId });
    await recordAudit(trx, { action: 'kyc.start', playerId: locked.id, details: { vendor: VENDOR, applicantId }, traceId });
    return 'pending' as const;
  });
  return { kycStatus: status, sdkToken: token.token, expiresAt: token.expiresAt.toISOString() };
}

/** The provider unreachable or not understood: nothing changes, and the caller is told so neutrally, with the trace id. */
async function unlessUnavailable<T>(work: () => Promise<T>, traceId: string): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (!(error instanceof KycProviderUnavailable)) throw error;
    throw new ApiError(502, 'KYC_PROVIDER_UNAVAILABLE', `the verification provider could not be reached; nothing changed, try again later (trace ${traceId})`);
  }
}

/** GET /operator/players/:playerId/kyc: the state and every check, newest first. */
export async function showVerification(db: Knex, externalId: string) {
  const player = await playerFor(db, { external_id: externalId });
  const applicant = await db('kyc_applicants').where('player_id', player.id).first<{ vendor: string; applicant_id: string } | undefined>('vendor', 'applicant_id');
  const checks = await db('kyc_checks').where('player_id', player.id).orderBy('id', 'desc').limit(200)
    .select<{ vendor: string; reference: string | null; check: string; outcome: string; score: string | null; raw_sha256: string | null;
      status_before: string; status_after: string; source: string; trace_id: string | null; created_at: Date }[]>();
  return {
    playerId: player.external_id,
    kycStatus: player.kyc_status,
    birthDate: player.birth_date,
    applicant: applicant ? { vendor: applicant.vendor, applicantId: applicant.applicant_id } : null,
    checks: checks.map((c) => ({
      vendor: c.vendor, reference: c.reference, check: c.check, outcome: c.outcome, score: c.score, rawSha256: c.raw_sha256,
      statusBefore: c.status_before, statusAfter: c.status_after, source: c.source, traceId: c.trace_id, at: c.created_at.toISOString(),
    })),
  };
}

/**
 * A webhook named this applicant: its review is read from Sumsub (never taken from the webhook), kept as a check,
 * and the player's state moved as `decide` says. Unknown applicants are not ours and change nothing. When Sumsub
 * cannot be read, KycProviderUnavailable goes to the caller and the state stays where it is.
 */
export async function reviewApplicant(db: Knex, sumsub: SumsubClient, applicantId: string, source: string, traceId: string): Promise<KycStatus | undefined> {
  const known = await db('kyc_applicants').where({ vendor: VENDOR, applicant_id: applicantId }).first<{ player_id: string } | undefined>('player_id');
  if (!known) return undefined;
  const { review, raw } = await sumsub.review(applicantId);
  return db.transaction(async (trx) => {
    const player = await playerFor(trx, { id: known.player_id }, true);
    const after = decide(player.kyc_status, review, { birthDate: player.birth_date, today: today() });
    const underAge = review.state === 'completed' && review.answer === 'GREEN' && after === 'rejected';
    await record(trx, player, { reference: applicantId, check: 'review', outcome: underAge ? 'GREEN; under 18 on the day of decision' : outcomeOf(review), raw, after, source, traceId });
    return after;
  });
}

export const KYC_TASKS = { recheck: 'kyc_recheck' } as const;

/**
 * Sumsub could not be read for a review it told us of: the read is queued, a minute on, in the job queue, which
 * retries it with exponential backoff while Sumsub stays away (about three days in all). One per applicant.
 */
export async function queueRecheck(db: Knex, applicantId: string): Promise<void> {
  await addJob(db, KYC_TASKS.recheck, { applicantId }, { key: `${KYC_TASKS.recheck}:${applicantId}`, keyMode: 'preserve_run_at', delayMs: 60_000 });
}

/** The queued re-check: reads the review again; Sumsub still away throws, so the queue tries again later. */
export function kycJobs(db: Knex, sumsub: SumsubClient): Jobs {
  return {
    tasks: {
      [KYC_TASKS.recheck]: async (payload) => {
        const { applicantId } = payload as { applicantId: string };
        await reviewApplicant(db, sumsub, applicantId, 'recheck', `kyc-recheck-${applicantId}-${Date.now()}`);
      },
    },
  };
}

/**
 * A person suspends a player while fraud is investigated (Portaria 1.231/2024 art. 26): no session, bet, top-up,
 * deposit or payout, whatever KYC_REQUIRED says; wins and rollbacks of accepted bets still apply.
 */
export async function suspendVerification(db: Knex, externalId: string, reason: string, actor: Actor, traceId: string) {
  return db.transaction(async (trx) => {
    const player = await playerFor(trx, { external_id: externalId }, true);
    if (player.kyc_status === 'suspended') throw new ApiError(409, 'KYC_SUSPENDED', `player ${externalId} is already suspended`);
    await record(trx, player, { reference: null, check: 'suspension', outcome: reason, after: 'suspended', source: `staff:${actor.id}`, traceId });
    await recordAudit(trx, { action: 'kyc.suspend', playerId: player.id, details: { reason, before: player.kyc_status }, traceId });
    return { playerId: externalId, kycStatus: 'suspended' as const };
  });
}

/**
 * Lifts a suspension, back to the state it interrupted. Lifting releases what the suspension held, so it is a second
 * person's: whoever suspended the player cannot lift it (409 KYC_SAME_PERSON).
 */
export async function liftSuspension(db: Knex, externalId: string, note: string, actor: Actor, traceId: string) {
  return db.transaction(async (trx) => {
    const player = await playerFor(trx, { external_id: externalId }, true);
    if (player.kyc_status !== 'suspended') throw new ApiError(409, 'KYC_NOT_SUSPENDED', `player ${externalId} is ${player.kyc_status}, not suspended`);
    const suspension = await trx('kyc_checks').where({ player_id: player.id, check: 'suspension' }).orderBy('id', 'desc')
      .first<{ status_before: KycStatus; source: string }>('status_before', 'source');
    if (suspension.source === `staff:${actor.id}`) {
      throw new ApiError(409, 'KYC_SAME_PERSON', 'the suspension was yours: a second person lifts it');
    }
    await record(trx, player, { reference: null, check: 'suspension_lifted', outcome: note, after: suspension.status_before, source: `staff:${actor.id}`, traceId });
    await recordAudit(trx, { action: 'kyc.lift', playerId: player.id, details: { note, after: suspension.status_before }, traceId });
    return { playerId: externalId, kycStatus: suspension.status_before };
  });
}

/**
 * GET /operator/reports/kyc: players by state, and the queue of those a person may need to look at (in review,
 * asked to retry or reverify, suspended), longest waiting first.
 */
export async function kycReport(db: Knex, limit: number) {
  const counted = await db('players').select('kyc_status').count<{ kyc_status: KycStatus; n: string }[]>('* as n').groupBy('kyc_status');
  const queue = await db('players').whereIn('kyc_status', ['pending', 'retry_required', 'reverify_required', 'suspended'])
    .orderByRaw('kyc_status_at NULLS FIRST, id').limit(limit)
    .select<{ external_id: string; kyc_status: KycStatus; kyc_status_at: Date | null }[]>('external_id', 'kyc_status', 'kyc_status_at');
  return {
    counts: Object.fromEntries(KYC_STATUSES.map((state) => [state, Number(counted.find((r) => r.kyc_status === state)?.n ?? 0)])),
    needingReview: queue.map((p) => ({ playerId: p.external_id, kycStatus: p.kyc_status, since: p.kyc_status_at?.toISOString() ?? null })),
  };
}
