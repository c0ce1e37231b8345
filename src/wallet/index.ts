export { walletService } from './service';
export type { WalletService } from './service';
export { doors } from './door';
export type { Door } from './door';
export { fizzyBubblyDoor, fizzyBubblyFallback, WALLET_PATHS } from './contracts/fizzy-bubbly';
export { signingText, hmacSignature } from './contracts/fizzy-bubbly/signature';
