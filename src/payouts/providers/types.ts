import { PayoutProviderName } from '../../config';
import { PayoutStatus } from '../states';

/** What a provider needs to pay one payout. Our id goes in the provider's idempotency field. */
export interface PayoutOrder {
  id: string;
  /** Reais with two decimals, e.g. "100.50". */
  amount: string;
  currency: 'BRL';
  /** The PIX key paid; null where the provider pays a registered account instead. */
  pixKey: string | null;
  pixKeyType: string | null;
  /** The player's registered account at a provider that pays one (Hashlee's gateway_unit_account_id). */
  accountId: string | null;
  beneficiaryDocument: string;
  beneficiaryName: string | null;
  playerId: string;
}

export type SendResult =
  | { outcome: 'accepted'; reference: string; providerStatus: string; status: PayoutStatus }
  /** The provider refused the order for good (validation, balance): nothing will be paid. */
  | { outcome: 'rejected'; reason: string }
  /** The provider already has an order with our id: ask for its status. */
  | { outcome: 'duplicate' };

export type StatusResult =
  | { found: true; reference: string; providerStatus: string; status: PayoutStatus; amount?: string }
  | { found: false };

/** One order in the provider's own list, for reconciliation. */
export interface ListedPayout {
  /** Our payout id as the provider holds it (its idempotency field), when it holds one. */
  ourId: string | null;
  reference: string;
  providerStatus: string;
  status: PayoutStatus;
  /** Reais as the provider writes them ("980", "300.00", "100.00000000"). */
  amount: string;
}

/** Which payouts a verified webhook is about: by the provider's reference, our id, or both. */
export type WebhookResult = { valid: false; reason: string } | { valid: true; payouts: { reference?: string; ourId?: string }[] };

export interface PayoutProvider {
  readonly name: PayoutProviderName;
  /**
   * Whether the provider documents refusing a create under an id it already holds (PayStar's -1-4007). Only then
   * may an order whose create outcome is unknown be sent again; elsewhere a second create may be a second payment.
   */
  readonly refusesDuplicateIds: boolean;
  send(order: PayoutOrder): Promise<SendResult>;
  /** The order's state by its reference, or by our id when the send's answer was never read. */
  status(order: PayoutOrder, reference: string | null): Promise<StatusResult>;
  /** Cancels an order the provider still allows to cancel; false where it does not. */
  cancel?(order: PayoutOrder, reference: string): Promise<boolean>;
  /** Every order the provider created in [from, to), page by page; absent where the provider has no list call. */
  list?(range: { from: Date; to: Date }): AsyncIterable<ListedPayout>;
  verifyWebhook(headers: Record<string, string | string[] | undefined>, rawBody: Buffer): WebhookResult;
  /** The provider's PIX pay-in (deposits), where it documents one. */
  payin?: PayinProvider;
}

/** What a provider needs to make one PIX charge for a deposit. Our id goes in the provider's reference field. */
export interface PayinCharge {
  id: string;
  /** Reais with two decimals, e.g. "100.50". */
  amount: string;
  currency: 'BRL';
  playerId: string;
  /** The player's CPF: the payer the charge is for. */
  playerDocument: string;
  playerName: string | null;
  expiresAt: Date;
}

export type ChargeStatus = 'pending' | 'paid' | 'expired' | 'failed';

export interface CreatedCharge {
  reference: string;
  providerStatus: string;
  status: ChargeStatus;
  /** The EMV BR Code the QR image encodes, as the provider gives it. */
  qrCode: string;
  /** The copia-e-cola text (for most providers the same BR Code). */
  copyPaste: string;
  expiresAt: Date | null;
}

export type ChargeLookup =
  | {
      found: true;
      reference: string;
      providerStatus: string;
      status: ChargeStatus;
      paidAmount?: string;
      payerDocument?: string;
      /** Whether the charge let payers other than the player pay, where the provider says (Orkestra echoes its flag). */
      thirdPartiesAllowed?: boolean;
    }
  | { found: false };

/**
 * How a provider shows that the payer of a paid charge is the player (Portaria SPA/MF 615/2024: deposits only from
 * the bettor's own account): it returns the payer's CPF; it refuses third-party payers itself; or the operator's
 * contract with it guarantees the payer (a setting the operator turns on). Undefined: it cannot be shown.
 */
export type PayerProof = 'payer_document' | 'provider_refuses_third_parties' | 'operator_guarantee';

export type ChargeWebhook = { valid: false; reason: string } | { valid: true; charges: { reference?: string; ourId?: string }[] };

export interface PayinProvider {
  readonly payerProof: PayerProof | undefined;
  /** Throws ProviderUnavailable when the outcome is not known, ChargeRefused when the provider refused it. */
  createCharge(charge: PayinCharge): Promise<CreatedCharge>;
  /** The charge by its reference, or by our id when the create's answer was never read. */
  chargeStatus(charge: PayinCharge, reference: string | null): Promise<ChargeLookup>;
  verifyChargeWebhook(headers: Record<string, string | string[] | undefined>, rawBody: Buffer): ChargeWebhook;
}

/** The provider refused to make the charge (validation): nothing was made. */
export class ChargeRefused extends Error {}

/** The provider could not be reached or gave no readable answer: the outcome of the call is not known. */
export class ProviderUnavailable extends Error {}
