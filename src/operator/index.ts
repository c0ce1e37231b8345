export { operatorRouter } from './router';
export { upsertHmacClient } from './clients';
export { findPlayer, operatorAmount } from './players';
