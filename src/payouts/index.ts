export { parsePixKey, isValidCpf, isValidCnpj, PixKeyError } from './pix';
export type { PixKey, PixKeyType } from './pix';
export { payoutOperatorRoutes } from './router';
export { movePayout } from './transitions';
export type { Move, MoveResult, PayoutRow } from './transitions';
export type { PayoutStatus } from './states';
