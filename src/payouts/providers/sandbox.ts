import { brCode } from '../pix';
import { PayoutStatus } from '../states';
import { ChargeLookup, ChargeStatus, PayinCharge, PayinProvider, PayoutOrder, PayoutProvider, SendResult, StatusResult, WebhookResult } from './types';

/**
 * The sandbox: a provider that pays nothing, for trying a payout end to end on one machine (PAYOUT_SANDBOX=1,
 * refused with NODE_ENV=production). It keeps no state: the reference it gives holds the outcome and the time of
 * the create, and every status check works the payout's story out from it. The cents of the amount choose the story:
 * - .00 to .89: submitted, processing after 1 s, succeeded after 3 s;
 * - .90 to .94: submitted, then failed after 3 s (the bank refused it);
 * - .95 to .99: on hold for 10 s (the provider's compliance check), then succeeded.
 */
type Story = 'pays' | 'fails' | 'holds';

/** The cents of a decimal amount ("10.95" → 95), which choose a sandbox story. */
const centsOf = (amount: string) => Number(amount.split('.')[1] ?? '0');

function storyOf(amount: string): Story {
  const cents = centsOf(amount);
  if (cents >= 95) return 'holds';
  return cents >= 90 ? 'fails' : 'pays';
}

function statusAfter(story: Story, ms: number): { status: PayoutStatus; providerStatus: string } {
  if (story === 'holds') return ms < 10_000 ? { status: 'on_hold', providerStatus: 'ON_HOLD' } : { status: 'succeeded', providerStatus: 'PAID' };
  if (ms < 1_000) return { status: 'submitted', providerStatus: 'CREATED' };
  if (ms < 3_000) return { status: 'processing', providerStatus: 'PROCESSING' };
  return story === 'fails' ? { status: 'failed', providerStatus: 'REFUSED' } : { status: 'succeeded', providerStatus: 'PAID' };
}

const REFERENCE = /^sandbox-(pays|fails|holds)-(\d+)-/;

/**
 * The sandbox's pay-in: a charge is paid 1 s after it is made, by the player (the lookup returns the player's CPF as
 * the payer's), except by the cents of its amount: .90 to .94 is never paid (it expires), .95 to .99 is paid by
 * someone else (another CPF), so that the deposit is held.
 */
type ChargeStory = 'paid' | 'unpaid' | 'third';
const CHARGE_REFERENCE = /^sandbox-charge-(paid|unpaid|third)-(\d+)-(\d+)-/;
/** A valid CPF that is nobody's in the tests: the payer of a third-party payment. */
export const SANDBOX_THIRD_PARTY_CPF = '11144477735';

function chargeStoryOf(amount: string): ChargeStory {
  const cents = centsOf(amount);
  if (cents >= 95) return 'third';
  return cents >= 90 ? 'unpaid' : 'paid';
}

function chargeStatusAfter(story: ChargeStory, ms: number, expired: boolean): { status: ChargeStatus; providerStatus: string } {
  if (story !== 'unpaid' && ms >= 1_000) return { status: 'paid', providerStatus: 'PAID' };
  return expired ? { status: 'expired', providerStatus: 'EXPIRED' } : { status: 'pending', providerStatus: 'PENDING' };
}

function sandboxPayin(): PayinProvider {
  return {
    payerProof: 'payer_document',

    async createCharge(charge: PayinCharge) {
      const reference = `sandbox-charge-${chargeStoryOf(charge.amount)}-${Date.now()}-${charge.expiresAt.getTime()}-${charge.id}`;
      const code = brCode({ key: charge.id, amount: charge.amount, name: 'WALLET SANDBOX', city: 'SAO PAULO', txid: charge.id });
      return { reference, providerStatus: 'PENDING', status: 'pending', qrCode: code, copyPaste: code, expiresAt: charge.expiresAt };
    },

    async chargeStatus(charge: PayinCharge, reference: string | null): Promise<ChargeLookup> {
      const parsed = reference ? CHARGE_REFERENCE.exec(reference) : null;
      if (!parsed) return { found: false };
      const [story, madeAt, expiresAt] = [parsed[1] as ChargeStory, Number(parsed[2]), Number(parsed[3])];
      const state = chargeStatusAfter(story, Date.now() - madeAt, Date.now() > expiresAt);
      return {
        found: true,
        reference: reference!,
        ...state,
        ...(state.status === 'paid' ? { paidAmount: charge.amount, payerDocument: story === 'third' ? SANDBOX_THIRD_PARTY_CPF : charge.playerDocument } : {}),
      };
    },

    verifyChargeWebhook() {
      return { valid: false, reason: 'the sandbox sends no callbacks; its charges are polled' };
    },
  };
}

export function sandbox(): PayoutProvider {
  return {
    name: 'sandbox',
    refusesDuplicateIds: false,

    async send(order: PayoutOrder): Promise<SendResult> {
      const reference = `sandbox-${storyOf(order.amount)}-${Date.now()}-${order.id}`;
      return { outcome: 'accepted', reference, providerStatus: 'CREATED', status: 'submitted' };
    },

    async status(order: PayoutOrder, reference: string | null): Promise<StatusResult> {
      const parsed = reference ? REFERENCE.exec(reference) : null;
      if (!parsed) return { found: false };
      return { found: true, reference: reference!, amount: order.amount, ...statusAfter(parsed[1] as Story, Date.now() - Number(parsed[2])) };
    },

    verifyWebhook(): WebhookResult {
      return { valid: false, reason: 'the sandbox sends no callbacks; its payouts are polled' };
    },

    payin: sandboxPayin(),
  };
}
