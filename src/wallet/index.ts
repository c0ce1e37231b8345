export { mountWallet } from './router';
export { signingText, hmacSignature } from './signature';
