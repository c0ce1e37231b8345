export { walletService } from './service';
export type { GroupCommitStats, WalletService } from './service';
export { doors } from './door';
export type { Door } from './door';
export { fizzyBubblyDoor, fizzyBubblyFallback, WALLET_PATHS } from './contracts/fizzy-bubbly';
export { hub88Door, HUB88_PATHS } from './contracts/hub88';
export { fizzyBubblyLauncher, LAUNCH_PATH } from './contracts/fizzy-bubbly/launch';
export { signingText, hmacSignature } from './contracts/fizzy-bubbly/signature';
