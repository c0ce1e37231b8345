/** Identity verification (docs/kyc.md): the vendor-neutral states, the Sumsub adapter and their routes. */
export { decide, KYC_STATUSES } from './states';
export type { KycStatus, Review } from './states';
export { KycProviderUnavailable, SumsubClient, webhookDigestValid } from './sumsub';
export { kycOperatorRoutes, kycWebhookRoutes } from './router';
export { applyKycRequirement, kycJobs } from './service';
