export { operatorRouter } from './router';
export { HUB88_SCHEME, readPublicKey, upsertHmacClient } from './clients';
export { findPlayer, operatorAmount } from './players';
export { operatorAuth, CONSOLE_HEADER } from './auth';
export type { OperatorAuth } from './auth';
export type { GameLauncher, LaunchAnswer, LaunchRequest } from './launch';
export { AGGREGATORS } from './sessions';
export type { Aggregator } from './sessions';
