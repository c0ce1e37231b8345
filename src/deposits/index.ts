export { DepositEngine } from './engine';
export { depositJobs } from './jobs';
export { depositOperatorRoutes, depositWebhookRoutes } from './router';
export { depositReturnApproval } from './service';
export { DEPOSIT_STATUSES } from './states';
export type { DepositStatus } from './states';
export { describeDepositReconciliation, reconcileDeposits } from './reconcile';
export type { DepositReconciliation } from './reconcile';
