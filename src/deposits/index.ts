export { DepositEngine } from './engine';
export { depositJobs } from './jobs';
export { depositOperatorRoutes, depositWebhookRoutes } from './router';
export { depositReturnApproval } from './service';
export { describeDepositReconciliation, reconcileDeposits } from './reconcile';
export type { DepositReconciliation } from './reconcile';
