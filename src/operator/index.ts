export { operatorRouter } from './router';
export { upsertHmacClient } from './clients';
