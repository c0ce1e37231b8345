import { Router } from 'express';
import swaggerUi from 'swagger-ui-express';
import definitions from '../schemas/definitions.json';
import responses from '../schemas/responses.json';
import operatorAdjustment from '../schemas/operator-adjustment.json';
import operatorApiClientCreate from '../schemas/operator-api-client-create.json';
import operatorGameUpdate from '../schemas/operator-game-update.json';
import operatorLaunch from '../schemas/operator-launch.json';
import operatorLaunchDemo from '../schemas/operator-launch-demo.json';
import operatorPayoutCreate from '../schemas/operator-payout-create.json';
import operatorPayoutReview from '../schemas/operator-payout-review.json';
import operatorPayoutAccountCreate from '../schemas/operator-payout-account-create.json';
import operatorDepositCreate from '../schemas/operator-deposit-create.json';
import operatorDepositReturn from '../schemas/operator-deposit-return.json';
import operatorKycSuspension from '../schemas/operator-kyc-suspension.json';
import operatorPlayerCreate from '../schemas/operator-player-create.json';
import operatorPlayerUpdate from '../schemas/operator-player-update.json';
import operatorSessionCreate from '../schemas/operator-session-create.json';
import operatorTopup from '../schemas/operator-topup.json';
import operatorApprovalDecision from '../schemas/operator-approval-decision.json';
import operatorTokenCreate from '../schemas/operator-token-create.json';
import operatorStaffUpdate from '../schemas/operator-staff-update.json';
import operatorStaffCreate from '../schemas/operator-staff-create.json';
import hub88UserInfo from '../schemas/hub88-user-info.json';
import hub88Balance from '../schemas/hub88-balance.json';
import hub88BetSchema from '../schemas/hub88-bet.json';
import hub88Win from '../schemas/hub88-win.json';
import hub88Rollback from '../schemas/hub88-rollback.json';
import walletBalance from '../schemas/wallet-balance.json';
import walletDeposit from '../schemas/wallet-deposit.json';
import walletRollback from '../schemas/wallet-rollback.json';
import walletWithdraw from '../schemas/wallet-withdraw.json';

/** The JSON Schemas ajv validates requests with: the one source of the document's request bodies. */
export const REQUEST_SCHEMAS: Record<string, object> = {
  'wallet-balance': walletBalance,
  'wallet-withdraw': walletWithdraw,
  'wallet-deposit': walletDeposit,
  'wallet-rollback': walletRollback,
  'hub88-user-info': hub88UserInfo,
  'hub88-balance': hub88Balance,
  'hub88-bet': hub88BetSchema,
  'hub88-win': hub88Win,
  'hub88-rollback': hub88Rollback,
  'operator-player-create': operatorPlayerCreate,
  'operator-player-update': operatorPlayerUpdate,
  'operator-session-create': operatorSessionCreate,
  'operator-launch': operatorLaunch,
  'operator-launch-demo': operatorLaunchDemo,
  'operator-topup': operatorTopup,
  'operator-approval-decision': operatorApprovalDecision,
  'operator-token-create': operatorTokenCreate,
  'operator-staff-update': operatorStaffUpdate,
  'operator-staff-create': operatorStaffCreate,
  'operator-adjustment': operatorAdjustment,
  'operator-api-client-create': operatorApiClientCreate,
  'operator-game-update': operatorGameUpdate,
  'operator-payout-create': operatorPayoutCreate,
  'operator-payout-review': operatorPayoutReview,
  'operator-payout-account-create': operatorPayoutAccountCreate,
  'operator-deposit-create': operatorDepositCreate,
  'operator-deposit-return': operatorDepositReturn,
  'operator-kyc-suspension': operatorKycSuspension,
};

/** The answers' schemas (schemas/responses.json), by name. */
export const RESPONSE_SCHEMAS = (responses as { $defs: Record<string, object> }).$defs;
export type ResponseName = keyof typeof responses.$defs;

/** A schema file as an OpenAPI component: references to other files point into #/components/schemas. */
function component(schema: object): object {
  const text = JSON.stringify(schema)
    .replace(/"(?:definitions\.json)?#\/\$defs\/([A-Za-z0-9]+)"/g, '"#/components/schemas/$1"')
    .replace(/"([a-z-]+)\.json"/g, (match, name: string) => (name in REQUEST_SCHEMAS ? `"#/components/schemas/${name}"` : match));
  const { $id: _id, $defs: _hoisted, ...rest } = JSON.parse(text) as Record<string, unknown>;
  return rest;
}

/**
 * The request schemas' own `$defs` (operator-player-update's `minutes`, say), hoisted into the components beside
 * them: component() points their `#/$defs/x` references there. Two schemas may not define one name differently.
 */
function hoistedDefs(): Record<string, object> {
  const hoisted: Record<string, object> = {};
  for (const [file, schema] of Object.entries(REQUEST_SCHEMAS)) {
    for (const [name, def] of Object.entries((schema as { $defs?: Record<string, object> }).$defs ?? {})) {
      if (name in hoisted && JSON.stringify(hoisted[name]) !== JSON.stringify(def)) throw new Error(`${file} defines $defs/${name} unlike another schema`);
      hoisted[name] = component(def);
    }
  }
  return hoisted;
}

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

interface Operation {
  method: Method;
  path: string;
  /** The permission an operator route needs (src/operator/permissions.ts): documented as x-permission. */
  permission?: string;
  /** The audit action a changing operator route writes with its change (`*` for the kind of an approval): x-audit. */
  audit?: string;
  tag: 'wallet' | 'hub88' | 'operator' | 'payouts' | 'deposits' | 'protection' | 'reports' | 'webhooks' | 'operations' | 'console';
  summary: string;
  body?: keyof typeof REQUEST_SCHEMAS;
  example?: object;
  query?: Record<string, string>;
  /** The success answer: its JSON schema (responses.json) and example, and `type` when it also (or only) comes as CSV, NDJSON or text. */
  ok: { status: number; description: string; schema?: ResponseName; example?: unknown; type?: string };
  /** Other answers that are not an error (e.g. 200 when the same player is created again; /readyz's 503). */
  more?: { status: number; description: string; schema?: ResponseName; type?: string }[];
}

const play = { playerId: 'player-1', sessionId: 'c2Vzc2lvbi10b2tlbg', currency: 'EUR', gameId: 'slot-1' };
const RANGE = { from: 'ISO 8601 date or date-time, inclusive (UTC)', to: 'ISO 8601 date or date-time, exclusive (UTC)' };
const TABLE = { limit: 'rows per JSON page, 1–1000 (default 100)', cursor: 'nextCursor of the previous page', format: 'json (default) or csv (streams every row)' };

const hub88 = { user: 'player-1', token: 'c2Vzc2lvbi10b2tlbg', request_uuid: '583c985f-fee6-4c0e-bbf5-308aad6265af' };
const hub88Answer = { user: 'player-1', status: 'RS_OK', request_uuid: hub88.request_uuid, currency: 'EUR', balance: 10050000 };
const hub88Bet = { ...hub88, transaction_uuid: '16d2dcfe-b89e-11e7-854a-58404eea6d16', game_code: 'clt_dragonrising', currency: 'EUR', amount: 150000, round: 'rNEMwgzJAOZ6eR3V', round_closed: false, is_free: false };
const HUB88_NOTE = ' Signed with X-Hub88-Signature; every outcome is HTTP 200 with status RS_OK or RS_ERROR_*.';

/** Hub88's operator Wallet API (docs/wallet.md "Hub88"): amounts are Int64 in 1/100000 of the currency. */
const HUB88_OPERATIONS: Operation[] = [
  { method: 'post', path: '/hub88/user/info', tag: 'hub88', summary: `Hub88: the player's details.${HUB88_NOTE}`, body: 'hub88-user-info',
    example: { user: hub88.user, request_uuid: hub88.request_uuid }, ok: { status: 200, schema: 'hub88InfoAnswer', description: 'the user, or why not', example: { user: 'player-1', status: 'RS_OK', request_uuid: hub88.request_uuid } } },
  { method: 'post', path: '/hub88/user/balance', tag: 'hub88', summary: `Hub88: the player's balance.${HUB88_NOTE}`, body: 'hub88-balance',
    example: { ...hub88, game_code: 'clt_dragonrising' }, ok: { status: 200, schema: 'hub88BalanceAnswer', description: 'the balance in 1/100000 units', example: hub88Answer } },
  { method: 'post', path: '/hub88/transaction/bet', tag: 'hub88', summary: `Hub88: a bet, once per transaction_uuid.${HUB88_NOTE}`, body: 'hub88-bet',
    example: hub88Bet, ok: { status: 200, schema: 'hub88BetAnswer', description: 'the balance after the bet; RS_ERROR_NOT_ENOUGH_MONEY and every refusal carry the balance', example: { ...hub88Answer, balance: 9900000 } } },
  { method: 'post', path: '/hub88/transaction/win', tag: 'hub88', summary: `Hub88: a win on a bet (its token may have expired).${HUB88_NOTE}`, body: 'hub88-win',
    example: { ...hub88Bet, transaction_uuid: '2d3c0e44-b89e-11e7-9c6b-58404eea6d16', reference_transaction_uuid: hub88Bet.transaction_uuid, amount: 300000, round_closed: true },
    ok: { status: 200, schema: 'hub88WinAnswer', description: 'the balance after the win', example: { ...hub88Answer, balance: 10200000 } } },
  { method: 'post', path: '/hub88/transaction/rollback', tag: 'hub88', summary: `Hub88: undoes a bet; RS_OK for one never seen (a tombstone refuses it later).${HUB88_NOTE}`, body: 'hub88-rollback',
    example: { ...hub88, transaction_uuid: '3a1f7a2e-b89e-11e7-8f1a-58404eea6d16', reference_transaction_uuid: hub88Bet.transaction_uuid, game_code: 'clt_dragonrising', round: 'rNEMwgzJAOZ6eR3V' },
    ok: { status: 200, schema: 'hub88RollbackAnswer', description: 'the balance after the refund', example: hub88Answer } },
];

/** Every endpoint, its request schema and an example of each side. */
export const OPERATIONS: Operation[] = [
  { method: 'post', path: '/wallet/balance', tag: 'wallet', summary: "The player's balance", body: 'wallet-balance', example: { playerId: play.playerId, sessionId: play.sessionId, currency: play.currency },
    ok: { status: 200, schema: 'walletAnswer', description: 'balance in major units', example: { balance: 100.5, currency: 'EUR' } } },
  { method: 'post', path: '/wallet/withdraw', tag: 'wallet', summary: 'A bet: debits the player once per transactionId', body: 'wallet-withdraw',
    example: { ...play, gameRoundId: 'round-1', transactionId: 'bet-1', amount: 1.5, cashAmount: 1.5, jackpotAmount: null, isGameRoundFinished: false },
    ok: { status: 200, schema: 'walletAnswer', description: 'the balance after the bet (the same answer on every retry)', example: { balance: 99, currency: 'EUR' } } },
  { method: 'post', path: '/wallet/deposit', tag: 'wallet', summary: 'A win on an accepted bet', body: 'wallet-deposit',
    example: { ...play, gameRoundId: 'round-1', transactionId: 'win-1', withdrawTransactionId: 'bet-1', amount: 3, cashAmount: 3, jackpotAmount: null, isGameRoundFinished: true },
    ok: { status: 200, schema: 'walletAnswer', description: 'the balance after the win', example: { balance: 102, currency: 'EUR' } } },
  { method: 'post', path: '/wallet/rollback', tag: 'wallet', summary: 'Refunds a bet (or refuses it in advance)', body: 'wallet-rollback',
    example: { ...play, gameRoundId: 'round-1', transactionId: 'rb-1', withdrawTransactionId: 'bet-1' },
    ok: { status: 200, schema: 'walletAnswer', description: 'the balance after the refund', example: { balance: 100.5, currency: 'EUR' } } },
  ...HUB88_OPERATIONS,
  { method: 'post', path: '/operator/players', permission: 'players.create', audit: 'player.create', tag: 'operator', summary: 'Create a player (idempotent by playerId)', body: 'operator-player-create',
    example: { playerId: 'player-1', currency: 'BRL', firstName: 'Ana', lastName: 'Souza', documentNumber: '43278243803' },
    ok: { status: 201, schema: 'player', description: 'created' },
    more: [{ status: 200, description: 'the same player already exists with the same data', schema: 'player' }] },
  { method: 'get', path: '/operator/players', permission: 'read', tag: 'operator', summary: 'Players, newest first, a page at a time; filter by the start of their id, status and creation time',
    query: { search: 'the first 1–45 characters of a playerId (% and _ are literal)', status: 'active, blocked, impeded or closed', ...RANGE, limit: '1–100 (default 20)', cursor: 'nextCursor of the previous page' },
    ok: { status: 200, schema: 'playerList', description: 'a page of players, newest first', example: { players: [{ playerId: 'player-1', currency: 'BRL', balance: '12.50', status: 'active', firstName: 'Ana', lastName: 'Souza', createdAt: '2026-12-01T10:00:00.000Z' }], nextCursor: null } } },
  { method: 'get', path: '/operator/players/{playerId}', permission: 'read', tag: 'operator', summary: 'A player, balance and limits', ok: { status: 200, schema: 'player', description: 'the player' } },
  { method: 'patch', path: '/operator/players/{playerId}', permission: 'players.update', audit: 'player.update', tag: 'operator', summary: 'Block, unblock, set limits (money, or minutes of play), pause, or flag a reality check; 409 PLAYER_IMPEDED for a status change of an impeded or closed account', body: 'operator-player-update',
    example: { status: 'blocked', limits: { betMax: '50.00', loss24h: null } }, ok: { status: 200, schema: 'player', description: 'the player' } },
  { method: 'get', path: '/operator/players/{playerId}/protection', permission: 'read', tag: 'protection',
    summary: "The player's protection (docs/protection.md): the SPA register state and every check kept as evidence, a pause, play-time alerts, and an impediment's steps and deadlines",
    ok: { status: 200, schema: 'protection', description: 'the player\'s protection' } },
  { method: 'post', path: '/operator/players/{playerId}/kyc', permission: 'players.update', audit: 'kyc.start', tag: 'protection',
    summary: "Start or resume the player's identity verification (docs/kyc.md): the Sumsub applicant (our playerId as externalUserId) and an SDK token for the casino's site to run Sumsub's flow; a player with none becomes pending. 502 KYC_PROVIDER_UNAVAILABLE when Sumsub cannot be reached (nothing changed), 503 KYC_NOT_CONFIGURED without SUMSUB_BASE_URL",
    ok: { status: 200, schema: 'kycStart', description: 'the state and the SDK token' } },
  { method: 'post', path: '/operator/players/{playerId}/kyc/suspension', permission: 'players.update', audit: 'kyc.suspend', tag: 'protection',
    summary: 'Suspend the player while fraud is investigated (docs/kyc.md): no session, bet, top-up, deposit or payout whatever KYC_REQUIRED says; wins and rollbacks of accepted bets still apply (409 KYC_SUSPENDED when already)',
    body: 'operator-kyc-suspension', example: { note: 'chargeback pattern, case 2291' }, ok: { status: 200, schema: 'kycChange', description: 'the new state' } },
  { method: 'post', path: '/operator/players/{playerId}/kyc/suspension/lift', permission: 'approvals.decide', audit: 'kyc.lift', tag: 'protection',
    summary: 'Lift a suspension, back to the state it interrupted; a second person\'s: whoever suspended cannot lift it (409 KYC_SAME_PERSON; 409 KYC_NOT_SUSPENDED)',
    body: 'operator-kyc-suspension', example: { note: 'case 2291 closed: no fraud' }, ok: { status: 200, schema: 'kycChange', description: 'the new state' } },
  { method: 'get', path: '/operator/players/{playerId}/kyc', permission: 'read', tag: 'protection',
    summary: "The player's identity verification: its state, the vendor's applicant and every check kept as evidence, newest first",
    ok: { status: 200, schema: 'kycState', description: "the player's verification" } },
  { method: 'get', path: '/operator/protection/sweeps', permission: 'read', tag: 'protection', summary: 'The register sweeps (every open account checked at least every 15 days), newest first',
    ok: { status: 200, schema: 'sweepList', description: 'the sweeps' } },
  { method: 'post', path: '/operator/protection/sweeps', permission: 'players.update', audit: 'register.sweep', tag: 'protection',
    summary: 'Resume the unfinished sweep, or start one now; with Accept: application/x-ndjson it streams its progress (409 NO_JURISDICTION without JURISDICTION=BR)',
    ok: { status: 200, schema: 'sweep', description: 'the sweep as it ended', type: 'application/x-ndjson' } },
  { method: 'get', path: '/operator/impediments', permission: 'read', tag: 'protection', summary: 'Accounts the SPA register barred, newest first, each with its steps and whether each deadline held',
    ok: { status: 200, schema: 'impedimentList', description: 'the impediments' } },
  { method: 'post', path: '/operator/players/{playerId}/sessions', permission: 'sessions.open', audit: 'session.open', tag: 'operator', summary: 'Open a game session', body: 'operator-session-create',
    example: { gameId: 'slot-1', ttlSeconds: 3600 }, ok: { status: 201, schema: 'session', description: 'the session token to give the aggregator' } },
  { method: 'post', path: '/operator/players/{playerId}/launch', permission: 'sessions.open', audit: 'game.launch', tag: 'operator',
    summary: "Launch a game: opens a session and asks the aggregator's signed POST /game/url for its URL (502 AGGREGATOR_UNAVAILABLE or AGGREGATOR_REFUSED closes the session; 503 LAUNCH_NOT_CONFIGURED without FB_API_URL)",
    body: 'operator-launch', example: { gameId: 'slot-1', locale: 'pt_br', platform: 'mobile', country: 'BR', ip: '203.0.113.7', lobbyUrl: 'https://casino.example/lobby' },
    ok: { status: 201, schema: 'launch', description: 'the session and the URL to open', example: { sessionId: 'c2Vzc2lvbi10b2tlbg', playerId: 'player-1', gameId: 'slot-1', url: 'https://games.fizzybubbly.example/play?token=eyJhbGciOi', expiresAt: '2026-12-02T16:00:00.000Z' } } },
  { method: 'post', path: '/operator/launch/demo', permission: 'sessions.open', audit: 'game.launch_demo', tag: 'operator', summary: 'A demo launch URL: fun money, no player, no session', body: 'operator-launch-demo',
    example: { gameId: 'slot-1', locale: 'en', platform: 'web', country: 'XX', ip: '203.0.113.7', currency: 'EUR' },
    ok: { status: 200, schema: 'demoLaunch', description: 'the URL to open', example: { url: 'https://games.fizzybubbly.example/play?demo=1&game=slot-1' } } },
  { method: 'post', path: '/operator/players/{playerId}/topups', permission: 'money.move', audit: 'player.topup', tag: 'operator', summary: 'Top up (idempotent by transactionId); four eyes: 202 with the approval request when it would take the 24-hour total of its requester or player above APPROVAL_THRESHOLD', body: 'operator-topup',
    example: { amount: '100.00', transactionId: 'topup-1' }, ok: { status: 200, schema: 'balanceChange', description: 'the new balance' },
    more: [{ status: 202, description: 'held for a second person (docs/operator-api.md "Four eyes"): heldBecause says why', schema: 'approval' }] },
  { method: 'post', path: '/operator/players/{playerId}/adjustments', permission: 'money.move', audit: 'player.adjustment', tag: 'operator', summary: 'Signed correction with a reason; four eyes as for a top-up (a debit that waits is held meanwhile)', body: 'operator-adjustment',
    example: { amount: '-5.00', reason: 'duplicate bonus', transactionId: 'adj-1' }, ok: { status: 200, schema: 'balanceChange', description: 'the new balance' },
    more: [{ status: 202, description: 'held for a second person (docs/operator-api.md "Four eyes"): heldBecause says why', schema: 'approval' }] },
  { method: 'get', path: '/operator/players/{playerId}/transactions', permission: 'read', tag: 'operator', summary: 'Statement, newest first', query: { limit: '1–500 (default 50)', cursor: 'transferId to continue after' },
    ok: { status: 200, schema: 'statement', description: 'statement lines with running balance' } },
  { method: 'get', path: '/operator/me', permission: 'read', tag: 'operator', summary: 'Who is signed in: the staff account (or the bootstrap token) and its role',
    ok: { status: 200, schema: 'me', description: 'the actor', example: { staffId: '0b9a3f0e-2c1d-4e5f-8a7b-6c5d4e3f2a1b', email: 'ana@casino.example', role: 'finance', bootstrap: false, permissions: ['read', 'money.move'] } } },
  { method: 'post', path: '/operator/me/tokens', permission: 'read', audit: 'staff_token.create', tag: 'operator', summary: 'Create a personal API token for scripts: shown once, stored as its hash', body: 'operator-token-create',
    example: { name: 'nightly export', expiresAt: '2027-01-01T00:00:00Z' }, ok: { status: 201, schema: 'newToken', description: 'the token, this once' } },
  { method: 'get', path: '/operator/me/tokens', permission: 'read', tag: 'operator', summary: 'Your personal tokens (never their secrets)', ok: { status: 200, schema: 'tokenList', description: 'the tokens' } },
  { method: 'delete', path: '/operator/me/tokens/{tokenId}', permission: 'read', audit: 'staff_token.revoke', tag: 'operator', summary: 'Revoke one of your tokens at once', ok: { status: 200, schema: 'token', description: 'the revoked token' } },
  { method: 'get', path: '/operator/approvals', permission: 'approvals.decide', tag: 'operator', summary: 'Top-ups, adjustments and payouts waiting for a second person (four eyes), newest first',
    query: { status: 'pending, approved or rejected' }, ok: { status: 200, schema: 'approvalList', description: 'the approval requests' } },
  { method: 'post', path: '/operator/approvals/{approvalId}/approve', permission: 'approvals.decide', audit: '*.approve', tag: 'operator',
    summary: 'Approve: the top-up or adjustment moves, or the payout is sent and its destination becomes known (403 SELF_APPROVAL for the requester, 403 APPROVER_NOT_INDEPENDENT for an account the requester made or that made theirs, and the bootstrap token cannot; 409 APPROVAL_DECIDED once decided)', body: 'operator-approval-decision',
    example: { note: 'checked with the player' }, ok: { status: 200, schema: 'approval', description: 'the decided request' } },
  { method: 'post', path: '/operator/approvals/{approvalId}/reject', permission: 'approvals.decide', audit: '*.reject', tag: 'operator', summary: 'Reject: a held debit goes back to the player; a payout is cancelled and its reserve released', body: 'operator-approval-decision',
    example: { note: 'no ticket for this' }, ok: { status: 200, schema: 'approval', description: 'the decided request' } },
  { method: 'post', path: '/operator/staff', permission: 'staff.manage', audit: 'staff.create', tag: 'operator', summary: 'Create a staff account (409 STAFF_EXISTS for a known email)', body: 'operator-staff-create',
    example: { email: 'ana@casino.example', displayName: 'Ana Souza', role: 'finance', password: 'a long passphrase of hers' }, ok: { status: 201, schema: 'staff', description: 'the account' } },
  { method: 'get', path: '/operator/staff', permission: 'staff.manage', tag: 'operator', summary: 'The staff accounts', ok: { status: 200, schema: 'staffList', description: 'the accounts' } },
  { method: 'patch', path: '/operator/staff/{staffId}', permission: 'staff.manage', audit: 'staff.update', tag: 'operator', summary: 'Change a role, disable or enable an account, or set a new password', body: 'operator-staff-update',
    example: { status: 'disabled' }, ok: { status: 200, schema: 'staff', description: 'the account' } },
  { method: 'get', path: '/operator/migrations', permission: 'migrations.read', tag: 'operations', summary: 'Applied and pending migrations (Accept: application/x-ndjson follows a running one to its end)',
    ok: { status: 200, schema: 'migrations', description: 'the schema status', example: { applied: ['001_schema'], pending: [], migrating: false, indexBuilds: [] }, type: 'application/x-ndjson' } },
  { method: 'post', path: '/operator/api-clients', permission: 'clients.manage', audit: 'api_client.register', tag: 'operator', summary: 'Register an aggregator key', body: 'operator-api-client-create',
    example: { name: 'aggregator', scheme: 'hmac-sha256', publicKey: 'fb-public-key', privateKey: 'a-shared-secret-of-32-characters!!' }, ok: { status: 201, schema: 'apiClient', description: 'the client, without its secret' } },
  { method: 'get', path: '/operator/api-clients', permission: 'clients.manage', tag: 'operator', summary: 'Registered aggregator keys (no secrets)', ok: { status: 200, schema: 'apiClientList', description: 'the clients' } },
  { method: 'delete', path: '/operator/api-clients/{id}', permission: 'clients.manage', audit: 'api_client.disable', tag: 'operator', summary: 'Disable a key at once', ok: { status: 200, schema: 'apiClient', description: 'the disabled client' } },
  { method: 'put', path: '/operator/games/{gameId}', permission: 'games.manage', audit: 'game.update', tag: 'operator', summary: 'Enable or disable a game', body: 'operator-game-update', example: { active: false },
    ok: { status: 200, schema: 'game', description: 'the game' } },
  { method: 'get', path: '/operator/payout-providers', permission: 'read', tag: 'payouts', summary: 'The payout providers configured here (<NAME>_BASE_URL), the default first: what a payout request may name',
    ok: { status: 200, schema: 'payoutProviders', description: 'the providers', example: { providers: [{ name: 'jumppag', default: true, paysRegisteredAccount: false }, { name: 'hashlee', default: false, paysRegisteredAccount: true }] } } },
  { method: 'post', path: '/operator/players/{playerId}/payouts', permission: 'payouts.manage', audit: 'payout.request', tag: 'payouts', summary: "Request a PIX payout (reserves the money; it waits in pending_approval for a second person when it goes to a destination not yet known to be the player's, or would take a 24-hour total above APPROVAL_THRESHOLD); 409 PAYOUT_DESTINATION_SHARED for another player's destination; 400 PAYOUT_ACCOUNT_MISSING for a provider that pays registered accounts when the player has none; under KYC_REQUIRED 403 KYC_REQUIRED for a player not verified, and a rejected player's balance goes only to their own CPF key, always with a second person (403 KYC_REJECTED otherwise; docs/kyc.md)", body: 'operator-payout-create',
    example: { amount: '150.00', pixKey: '43278243803', transactionId: 'po-1' }, ok: { status: 202, schema: 'payout', description: 'the payout, requested or pending_approval' } },
  { method: 'post', path: '/operator/players/{playerId}/payout-accounts', permission: 'payouts.manage', audit: 'payout_account.register', tag: 'payouts',
    summary: "Register the player's own account at a provider that pays registered accounts (Hashlee); 400 PAYOUT_ACCOUNT_NOT_OWN when the holder is not the player, 409 PAYOUT_ACCOUNT_CONFLICT when the account is another player's, retired, or the player has an active one",
    body: 'operator-payout-account-create', example: { provider: 'hashlee', accountId: 'jqozmk', holderDocument: '432.782.438-03', pixKey: '43278243803' },
    more: [{ status: 200, description: 'the same account was registered before', schema: 'payoutAccount' }],
    ok: { status: 201, schema: 'payoutAccount', description: 'registered', example: { payoutAccountId: '7d1e5c2a-3f4b-4c6d-9e8f-0a1b2c3d4e5f', playerId: 'player-1', provider: 'hashlee', accountId: 'jqozmk', holderDocument: '43278243803', pixKey: '43278243803', pixKeyType: 'cpf', status: 'active', registeredAt: '2026-12-01T10:00:00.000Z', retiredAt: null } } },
  { method: 'get', path: '/operator/players/{playerId}/payout-accounts', permission: 'read', tag: 'payouts', summary: "The player's payout accounts, retired ones included", ok: { status: 200, schema: 'payoutAccountList', description: 'the accounts' } },
  { method: 'delete', path: '/operator/players/{playerId}/payout-accounts/{payoutAccountId}', permission: 'payouts.manage', audit: 'payout_account.retire', tag: 'payouts', summary: 'Retire an account: kept for audit, never paid or registered again',
    ok: { status: 200, schema: 'payoutAccount', description: 'the retired account' } },
  { method: 'get', path: '/operator/players/{playerId}/payout-destinations', permission: 'read', tag: 'payouts', summary: "The player's payout destinations other than their own CPF key: known ones are paid without waiting", ok: { status: 200, schema: 'payoutDestinationList', description: 'the destinations' } },
  { method: 'delete', path: '/operator/players/{playerId}/payout-destinations/{destinationId}', permission: 'payouts.manage', audit: 'payout_destination.retire', tag: 'payouts', summary: 'Retire a destination: the next payout to it waits for a second person again',
    ok: { status: 200, schema: 'payoutDestination', description: 'the retired destination' } },
  { method: 'get', path: '/operator/payouts/{payoutId}', permission: 'read', tag: 'payouts', summary: 'A payout and its history', ok: { status: 200, schema: 'payoutWithHistory', description: 'the payout' } },
  { method: 'get', path: '/operator/payouts', permission: 'read', tag: 'payouts', summary: 'Payouts, newest first',
    query: { status: 'payout state', playerId: 'player', provider: 'provider', ...RANGE, limit: '1–500 (default 50)', cursor: 'payoutId to continue after' },
    ok: { status: 200, schema: 'payoutPage', description: 'a page of payouts' } },
  { method: 'post', path: '/operator/payouts/{payoutId}/cancel', permission: 'payouts.manage', audit: 'payout.cancel', tag: 'payouts', summary: 'Cancel before sending, or where the provider allows (409 PAYOUT_NOT_CANCELLABLE while it waits for approval: reject it there)', ok: { status: 200, schema: 'payout', description: 'the cancelled payout' } },
  { method: 'post', path: '/operator/payouts/{payoutId}/review', permission: 'payouts.manage', audit: 'payout.review', tag: 'payouts', summary: 'Decide a payout in review: resend under the same id, or fail it (the reserve goes back); 409 PAYOUT_NOT_IN_REVIEW otherwise',
    body: 'operator-payout-review', example: { decision: 'fail', note: 'Orkestra support: no withdrawal with this externalIdentifier' }, ok: { status: 200, schema: 'payout', description: 'the payout after the decision' } },
  { method: 'get', path: '/operator/reports/rounds', permission: 'read', tag: 'reports', summary: 'One row per game round',
    query: { ...RANGE, playerId: 'player', gameId: 'game', status: 'open or closed', aggregator: 'fizzy-bubbly or hub88', ...TABLE }, ok: { status: 200, schema: 'roundsPage', description: 'rounds', type: 'text/csv' } },
  { method: 'get', path: '/operator/reports/open-rounds', permission: 'read', tag: 'reports', summary: 'Rounds still open', query: { olderThan: 'ISO 8601 duration (default PT2H)', aggregator: 'fizzy-bubbly or hub88', ...TABLE },
    ok: { status: 200, schema: 'roundsPage', description: 'open rounds', type: 'text/csv' } },
  { method: 'get', path: '/operator/reports/summary', permission: 'read', tag: 'reports', summary: 'Totals per day, game, player or currency',
    query: { ...RANGE, groupBy: 'day (default), game, player or currency', format: TABLE.format }, ok: { status: 200, schema: 'summary', description: 'totals', type: 'text/csv' } },
  { method: 'get', path: '/operator/reports/payouts', permission: 'read', tag: 'reports', summary: 'Payouts with time to settle and review flags',
    query: { ...RANGE, provider: 'provider', status: 'payout state', manualReview: 'true or false', ...TABLE }, ok: { status: 200, schema: 'payoutsReportPage', description: 'payouts', type: 'text/csv' } },
  { method: 'get', path: '/operator/reports/sigap', permission: 'pii.read', tag: 'protection',
    summary: "One reference day's movements and status changes for SIGAP, as CSV (the day in JURISDICTION_TIME_ZONE; columns SIGAP_COLUMNS, docs/protection.md); the same day always gives the same bytes",
    query: { date: 'the reference day, YYYY-MM-DD' }, ok: { status: 200, description: 'the day file', type: 'text/csv' } },
  { method: 'get', path: '/operator/audit', permission: 'audit.read', tag: 'reports', summary: 'The audit trail, oldest first: who, in which role, did what to whom (JSON pages or CSV)',
    query: { ...RANGE, actor: 'a staff id, or bootstrap', action: 'e.g. player.topup', playerId: 'player', ...TABLE }, ok: { status: 200, schema: 'auditPage', description: 'audit rows', type: 'text/csv' } },
  { method: 'get', path: '/operator/reports/kyc', permission: 'read', tag: 'protection',
    summary: 'Players by identity verification state (docs/kyc.md), and the queue of those a person may need to look at (pending, retry_required, reverify_required, suspended), longest waiting first',
    query: { limit: 'players in the queue, 1–1000 (default 100)' }, ok: { status: 200, schema: 'kycReport', description: 'the counts and the queue' } },
  { method: 'get', path: '/operator/reports/ledger-check', permission: 'read', tag: 'reports', summary: 'Proof that the ledger adds up (Accept: application/x-ndjson streams its progress)',
    ok: { status: 200, schema: 'ledgerCheck', description: 'the proof', example: { sound: true, accounts: 70, transfers: 22, ms: 11, problems: [] }, type: 'application/x-ndjson' } },
  { method: 'get', path: '/operator/reports/payout-reconciliation', permission: 'reconcile', tag: 'reports', summary: "Our payouts against a provider's records (Accept: application/x-ndjson streams its progress)",
    query: { provider: 'jumppag, paystar, hashlee or orkestra (configured)', from: RANGE.from + ', required', to: RANGE.to + ', required' },
    ok: { status: 200, schema: 'reconciliation', description: 'the mismatches', example: { provider: 'jumppag', from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z', method: 'list', ours: 4, theirs: 4, matched: 4, mismatches: [] }, type: 'application/x-ndjson' } },
  { method: 'get', path: '/operator/reports/deposit-reconciliation', permission: 'reconcile', tag: 'reports', summary: "Our deposits against each charge's state at the provider (Accept: application/x-ndjson streams its progress)",
    query: { provider: 'jumppag, orkestra or sandbox (configured)', from: RANGE.from + ', required', to: RANGE.to + ', required' },
    ok: { status: 200, schema: 'depositReconciliation', description: 'the mismatches', type: 'application/x-ndjson' } },
  { method: 'get', path: '/operator/deposit-providers', permission: 'read', tag: 'deposits', summary: 'The providers configured here that take PIX deposits, the default first, with how each shows the payer',
    ok: { status: 200, schema: 'depositProviders', description: 'the providers' } },
  { method: 'get', path: '/operator/deposits/{depositId}/qr', permission: 'read', tag: 'deposits', summary: "The deposit's QR code as an SVG image, for a page to show (404 DEPOSIT_NOT_FOUND; 409 DEPOSIT_HAS_NO_CODE before the charge is made)",
    ok: { status: 200, description: 'the QR image of the BR Code', type: 'image/svg+xml' } },
  { method: 'post', path: '/operator/players/{playerId}/deposits', permission: 'deposits.create', audit: 'deposit.create', tag: 'deposits',
    summary: "Take a PIX deposit: checks the player's state and deposit limits (403 DEPOSIT_NOT_ALLOWED, 403 DEPOSIT_LIMIT), makes the charge at the provider and answers its QR code and copia-e-cola; idempotent by transactionId (409 IDEMPOTENCY_CONFLICT for another body, 409 DEPOSIT_IN_PROGRESS while the same request is making it); 502 DEPOSIT_PROVIDER_UNAVAILABLE when the provider did not answer (send it again: the charge is looked up first); 422 DEPOSIT_REFUSED when it refused",
    body: 'operator-deposit-create', example: { amount: '100.00', transactionId: 'dep-2026-0001' }, ok: { status: 201, schema: 'deposit', description: 'the deposit, pending with its charge' } },
  { method: 'get', path: '/operator/deposits/{depositId}', permission: 'read', tag: 'deposits', summary: 'A deposit and its history', ok: { status: 200, schema: 'depositWithHistory', description: 'the deposit' } },
  { method: 'get', path: '/operator/deposits', permission: 'read', tag: 'deposits', summary: 'Deposits, newest first',
    query: { playerId: "the player's id", status: 'deposit state', limit: 'rows per page, 1–500 (default 50)', cursor: 'nextCursor of the previous page' },
    ok: { status: 200, schema: 'depositPage', description: 'a page of deposits' } },
  { method: 'post', path: '/operator/deposits/{depositId}/return', permission: 'payouts.manage', audit: 'deposit_return.request_approval', tag: 'deposits',
    summary: "Record that a held deposit was returned to its payer in the provider's back office; it waits for a second person, whose approval gives the money back in the ledger (409 DEPOSIT_NOT_HELD, 409 DEPOSIT_RETURN_REQUESTED)",
    body: 'operator-deposit-return', example: { note: 'returned by Jumppag back office, ticket 4711' }, ok: { status: 202, schema: 'approval', description: 'the approval request' } },
  { method: 'post', path: '/webhooks/deposits/{provider}', tag: 'webhooks', summary: "A pay-in provider's signed charge callback (triggers a lookup; 401 when forged, unsigned, or naming no charge of ours)",
    ok: { status: 200, schema: 'webhookReceipt', description: 'accepted' } },
  { method: 'post', path: '/webhooks/sumsub', tag: 'webhooks', summary: "Sumsub's signed applicant webhook (docs/kyc.md): the x-payload-digest is checked over the raw body (401 INVALID_WEBHOOK when wrong or missing), then the applicant's review is read from Sumsub before anything changes; when Sumsub cannot be read nothing changes and a re-check is queued with backoff (202)",
    ok: { status: 200, schema: 'webhookReceipt', description: 'accepted' },
    more: [{ status: 202, schema: 'webhookReceipt', description: 'Sumsub could not be read: nothing changed, the re-check is queued (recheck: queued)' }] },
  { method: 'post', path: '/webhooks/payouts/{provider}', tag: 'webhooks', summary: "A provider's signed status callback (triggers a status check)",
    ok: { status: 200, schema: 'webhookReceipt', description: 'accepted' } },
  { method: 'get', path: '/healthz', tag: 'operations', summary: 'Liveness', ok: { status: 200, schema: 'health', description: 'up', example: { status: 'ok' } } },
  { method: 'get', path: '/readyz', tag: 'operations', summary: 'Readiness: database reachable, migrations current', ok: { status: 200, schema: 'ready', description: 'ready', example: { status: 'ready' } },
    more: [{ status: 503, description: 'the database does not answer, or a migration is pending', schema: 'notReady' }] },
  { method: 'get', path: '/metrics', tag: 'operations', summary: 'Prometheus metrics', ok: { status: 200, description: 'Prometheus text', type: 'text/plain' } },
  { method: 'get', path: '/console', tag: 'console', summary: 'The operator console', ok: { status: 200, description: 'the console page', type: 'text/html' },
    more: [{ status: 303, description: 'to the login form, without a session' }] },
  { method: 'get', path: '/console/login', tag: 'console', summary: 'The console login form', ok: { status: 200, description: 'the form', type: 'text/html' } },
  { method: 'post', path: '/console/login', tag: 'console', summary: 'Sign in with an email and password, or the operator token (form field `token`): an HttpOnly session cookie (8 hours, 30 idle minutes)',
    ok: { status: 303, description: 'to /console, or back to the form when the token is wrong' },
    more: [{ status: 200, description: 'a wrong email or password: the form again, the email kept', type: 'text/html' },
      { status: 429, description: 'the form again: too many wrong tokens from this address (OPERATOR_AUTH_FAILURE_LIMIT per 15 minutes)', type: 'text/html' }] },
  { method: 'post', path: '/console/logout', tag: 'console', summary: 'Sign out: the session is revoked and the cookie cleared', ok: { status: 303, description: 'to the login form' } },
  { method: 'get', path: '/openapi.json', tag: 'operations', summary: 'This document', ok: { status: 200, schema: 'openApiDocument', description: 'OpenAPI 3.1' } },
];

/** The content of an answer: JSON with its schema (and example), and another media type where it also comes as one. */
function content(answer: { schema?: ResponseName; example?: unknown; type?: string }): object {
  const json = answer.schema ? { 'application/json': { schema: { $ref: `#/components/schemas/${answer.schema}` }, ...(answer.example === undefined ? {} : { example: answer.example }) } } : {};
  const other = answer.type ? { [answer.type]: {} } : {};
  return Object.keys(json).length + Object.keys(other).length > 0 ? { content: { ...json, ...other } } : {};
}

/** The document's tags, in order, and what each groups. */
const TAGS: Record<Operation['tag'], string> = {
  wallet: "Fizzy Bubbly's seamless wallet: the calls the aggregator makes for every bet, win and rollback (docs/wallet.md)",
  hub88: "Hub88's operator Wallet API, the second aggregator's contract (docs/wallet.md \"Hub88\")",
  operator: 'Players, sessions and launches, money by hand under four eyes, staff, keys and games (docs/operator-api.md)',
  payouts: 'PIX cash-out: requests, states, payout accounts and destinations (docs/payouts.md)',
  deposits: "PIX cash-in from the player's own account: charges, states, held deposits and their return (docs/deposits.md)",
  protection: "Brazil's rules: the SPA register, impediments, the SIGAP day file (docs/protection.md)",
  reports: "Finance's reports, the audit trail and the ledger check (docs/reconciliation.md)",
  webhooks: "Payout and pay-in providers' callbacks, each verified as its provider documents (docs/payouts.md, docs/deposits.md)",
  operations: 'Health, readiness, metrics and this document (docs/operations.md)',
  console: "The operator console's pages (docs/operator-api.md \"Operator console\")",
};

/** What every operation of a tag without a permission says of itself: how it is called and how it answers. */
const TAG_DESCRIPTIONS: Partial<Record<Operation['tag'], string>> = {
  wallet: 'Fizzy Bubbly\'s seamless-wallet contract (docs/wallet.md): signed with Public-Key and Signature over the raw body, idempotent by transactionId; errors are {code, description} with the contract\'s codes.',
  hub88: 'Hub88\'s operator Wallet API (docs/wallet.md "Hub88"): signed with X-Hub88-Signature, idempotent by transaction_uuid, every outcome HTTP 200 with its status.',
  webhooks: 'A provider\'s callback (docs/payouts.md, docs/deposits.md): verified as that provider documents, then treated as a hint: the payout\'s or charge\'s state is read from the provider before anything changes.',
  operations: 'For load balancers, monitoring and tools (docs/operations.md); no operator token.',
  console: 'The operator console\'s pages and sign-in (docs/operator-api.md "Operator console").',
};

function operationObject(op: Operation): object {
  const pathParams = [...op.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name, in: 'path', required: true, schema: { type: 'string' } }));
  const queryParams = Object.entries(op.query ?? {}).map(([name, description]) => ({ name, in: 'query', required: false, description, schema: { type: 'string' } }));
  const wallet = op.tag === 'wallet';
  const security = wallet ? [{ publicKey: [], signature: [] }] : op.tag === 'hub88' ? [{ hub88Signature: [] }] : op.path.startsWith('/operator') ? [{ operatorToken: [] }] : [];
  const error = { $ref: wallet ? '#/components/responses/WalletError' : '#/components/responses/OperatorError' };
  return {
    tags: [op.tag],
    summary: op.summary,
    ...(op.permission ? { 'x-permission': op.permission, description: `Needs the permission \`${op.permission}\` (docs/operator-api.md "Staff and roles"); 403 FORBIDDEN without it.${
      op.audit ? ` Writes the audit action \`${op.audit}\`, naming who acted, in the change's transaction.` : ''}` } : { description: TAG_DESCRIPTIONS[op.tag] ?? op.summary }),
    ...(op.audit ? { 'x-audit': op.audit } : {}),
    operationId: `${op.method}${op.path.replace(/[{}]/g, '').replace(/[/.-](\w)/g, (_m, c: string) => c.toUpperCase())}`,
    security,
    parameters: [...pathParams, ...queryParams],
    ...(op.body
      ? { requestBody: { required: true, content: { 'application/json': { schema: { $ref: `#/components/schemas/${op.body}` }, example: op.example } } } }
      : {}),
    responses: {
      [op.ok.status]: { description: op.ok.description, ...content(op.ok) },
      ...Object.fromEntries((op.more ?? []).map((answer) => [answer.status, { description: answer.description, ...content(answer) }])),
      ...(/^\/(wallet|operator|webhooks|metrics)\b/.test(op.path) ? { '4XX': error, '5XX': error } : {}),
    },
  };
}

/** The OpenAPI 3.1 document of every endpoint, built from the same JSON Schemas ajv validates with. */
export function openApiDocument(): Record<string, unknown> {
  const paths: Record<string, Record<string, object>> = {};
  for (const op of OPERATIONS) (paths[op.path] ??= {})[op.method] = operationObject(op);
  const { $defs } = definitions as { $defs: Record<string, object> };
  return {
    openapi: '3.1.0',
    info: {
      title: 'Seamless wallet',
      license: { name: 'Proprietary: UNLICENSED (package.json)' },
      version: '0.1.0',
      description: 'Casino seamless wallet: the signed aggregator wallet API, the operator API, PIX payouts and finance reports. Amounts are decimal numbers (wallet) or decimal strings (operator) in major units; never more decimals than the currency has.',
    },
    // relative: the server that serves this document (behind a proxy, the address it was reached by)
    servers: [{ url: '/', description: 'this wallet server' }],
    tags: Object.entries(TAGS).map(([name, description]) => ({ name, description })),
    paths,
    components: {
      schemas: {
        ...$defs,
        ...hoistedDefs(),
        ...Object.fromEntries(Object.entries(RESPONSE_SCHEMAS).map(([name, schema]) => [name, component(schema)])),
        ...Object.fromEntries(Object.entries(REQUEST_SCHEMAS).map(([name, schema]) => [name, component(schema)])),
      },
      securitySchemes: {
        operatorToken: { type: 'http', scheme: 'bearer', description: 'OPERATOR_TOKEN' },
        publicKey: { type: 'apiKey', in: 'header', name: 'Public-Key', description: "the aggregator's registered key" },
        hub88Signature: { type: 'apiKey', in: 'header', name: 'X-Hub88-Signature', description: "base64 RSA-SHA256 (PKCS#1 v1.5) of the raw body, verified with Hub88's registered public key" },
        signature: { type: 'apiKey', in: 'header', name: 'Signature', description: 'hex HMAC-SHA256 (or base64 ed25519) of "POST\\n<absolute URL>\\n<upper-case MD5 of the raw body>"' },
      },
      responses: {
        WalletError: { description: 'a wallet error', content: { 'application/json': { schema: { $ref: '#/components/schemas/walletError' }, example: { code: 'ERROR_TRANSACTION_INSUFFICIENT_FUNDS', description: 'the balance is lower than the bet', traceId: '3f1c…' } } } },
        OperatorError: { description: 'an error of the operator API, a webhook or /metrics', content: { 'application/json': { schema: { $ref: '#/components/schemas/operatorError' }, example: { error: { code: 'VALIDATION_ERROR', message: 'amount is required', field: 'amount', traceId: '3f1c…' } } } } },
      },
    },
  };
}

/** /openapi.json and interactive docs at /docs (Swagger UI, served from the package, no CDN). */
export function docsRoutes(): Router {
  const document = openApiDocument();
  const router = Router();
  router.get('/openapi.json', (_req, res) => {
    res.json(document);
  });
  router.use('/docs', swaggerUi.serve, swaggerUi.setup(document, { customSiteTitle: 'Seamless wallet API' }));
  return router;
}
