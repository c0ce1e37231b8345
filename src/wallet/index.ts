export { walletService } from './service';
export type { WalletService } from './service';
export { doors } from './door';
export type { Door } from './door';
export { fizzyBubblyDoor, fizzyBubblyFallback, WALLET_PATHS } from './contracts/fizzy-bubbly';
export { fizzyBubblyLauncher, LAUNCH_PATH } from './contracts/fizzy-bubbly/launch';
export { signingText, hmacSignature } from './contracts/fizzy-bubbly/signature';
