export { applyJurisdiction, Protection, PROTECTION_TASKS } from './service';
export { dayIn } from './checks';
export type { ProtectionDeps } from './service';
export { sigapRegistry, RegistryUnreachable } from './registry';
export type { ImpedimentRegistry, RegistryAnswer } from './registry';
export { DEADLINES } from './impediments';
export { protectionRoutes } from './router';
