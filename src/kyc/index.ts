/** Identity verification (docs/kyc.md): the vendor-neutral states, the Sumsub adapter and their routes. */
export { ADULT_AGE, ageOn, decide, KYC_STATUSES } from './states';
export type { KycStatus, Review } from './states';
export { KycProviderUnavailable, SumsubClient, sumsubSignature, webhookDigestValid } from './sumsub';
export type { Applicant, KnownPerson, SdkToken } from './sumsub';
export { kycOperatorRoutes, kycWebhookRoutes } from './router';
export { applyKycRequirement } from './service';
