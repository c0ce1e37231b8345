export { walletDoor, walletFallback, WALLET_PATHS } from './router';
export type { Door } from './router';
export { signingText, hmacSignature } from './signature';
