export { mountWallet } from './router';
export { WALLET_ROUTINES } from './routines';
export { signingText, hmacSignature } from './signature';
