export { parsePixKey, isValidCpf, isValidCnpj, PixKeyError } from './pix';
export type { PixKey, PixKeyType } from './pix';
export { payoutOperatorRoutes } from './router';
export { payoutWebhookRoutes } from './webhooks';
export { PayoutEngine, buildProviders } from './engine';
export { startPayoutWorker } from './worker';
export { movePayout } from './transitions';
export type { Move, MoveResult, PayoutRow } from './transitions';
export type { PayoutStatus } from './states';
