/* eslint-disable */
/* tslint:disable */
// @ts-nocheck
/*
 * ---------------------------------------------------------------
 * ## THIS FILE WAS GENERATED VIA SWAGGER-TYPESCRIPT-API        ##
 * ##                                                           ##
 * ## AUTHOR: acacode                                           ##
 * ## SOURCE: https://github.com/acacode/swagger-typescript-api ##
 * ---------------------------------------------------------------
 */

/** An aggregator's api-client (never its secret) */
export interface ApiClient {
  aggregator: "fizzy-bubbly" | "hub88";
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  createdAt: Timestamp;
  disabledAt: Timestamp | null;
  enabled: boolean;
  id: number;
  name: string;
  publicKey: string;
  scheme: "hmac-sha256" | "ed25519" | "hub88-rsa-sha256";
}

/** The api-clients */
export interface ApiClientList {
  apiClients: ApiClient[];
}

/** A top-up, adjustment, payout or deposit return waiting for, or decided by, a second person */
export interface Approval {
  /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
  amount: DecimalText;
  /** @format uuid */
  approvalId: string;
  currency: string;
  decidedAt: Timestamp | null;
  decidedBy: string | null;
  decidedRole: string | null;
  /** The held deposit to return, for kind deposit_return */
  depositId: string | null;
  /** Why it waits: the 24-hour total by its requester or for its player that it would take above APPROVAL_THRESHOLD, a currency without a threshold, or a payout destination not yet known to be the player's */
  heldBecause: string;
  kind: "topup" | "adjustment" | "payout" | "deposit_return";
  note: string | null;
  /** The payout waiting, for kind payout */
  payoutId: string | null;
  playerId: string;
  reason: string;
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  requestedAt: Timestamp;
  requestedBy: string;
  requestedRole: string;
  status: "pending" | "approved" | "rejected";
  transactionId: string;
}

/** Approval requests */
export interface ApprovalList {
  approvals: Approval[];
}

/** A page of the audit trail */
export interface AuditPage {
  nextCursor: string | null;
  rows: {
    action: string;
    /** a staff id, or bootstrap; null for rows written before staff accounts */
    actor: string | null;
    /** the staff account's email */
    actorEmail: string | null;
    actorRole: string | null;
    at: string;
    /** the request's key fields, as JSON text */
    details: string;
    id: string;
    playerId: string | null;
    traceId: string | null;
  }[];
}

/**
 * A top-up's or an adjustment's answer
 * The balance after the movement; the same answer byte for byte on every retry with the same transactionId.
 */
export interface BalanceChange {
  /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
  balance: DecimalText;
  currency: string;
  playerId: string;
  transactionId: string;
}

/** ISO 3166-1 alpha-2 (the 249 assigned codes), or XX for unknown. */
export type Country =
  | "AD"
  | "AE"
  | "AF"
  | "AG"
  | "AI"
  | "AL"
  | "AM"
  | "AO"
  | "AQ"
  | "AR"
  | "AS"
  | "AT"
  | "AU"
  | "AW"
  | "AX"
  | "AZ"
  | "BA"
  | "BB"
  | "BD"
  | "BE"
  | "BF"
  | "BG"
  | "BH"
  | "BI"
  | "BJ"
  | "BL"
  | "BM"
  | "BN"
  | "BO"
  | "BQ"
  | "BR"
  | "BS"
  | "BT"
  | "BV"
  | "BW"
  | "BY"
  | "BZ"
  | "CA"
  | "CC"
  | "CD"
  | "CF"
  | "CG"
  | "CH"
  | "CI"
  | "CK"
  | "CL"
  | "CM"
  | "CN"
  | "CO"
  | "CR"
  | "CU"
  | "CV"
  | "CW"
  | "CX"
  | "CY"
  | "CZ"
  | "DE"
  | "DJ"
  | "DK"
  | "DM"
  | "DO"
  | "DZ"
  | "EC"
  | "EE"
  | "EG"
  | "EH"
  | "ER"
  | "ES"
  | "ET"
  | "FI"
  | "FJ"
  | "FK"
  | "FM"
  | "FO"
  | "FR"
  | "GA"
  | "GB"
  | "GD"
  | "GE"
  | "GF"
  | "GG"
  | "GH"
  | "GI"
  | "GL"
  | "GM"
  | "GN"
  | "GP"
  | "GQ"
  | "GR"
  | "GS"
  | "GT"
  | "GU"
  | "GW"
  | "GY"
  | "HK"
  | "HM"
  | "HN"
  | "HR"
  | "HT"
  | "HU"
  | "ID"
  | "IE"
  | "IL"
  | "IM"
  | "IN"
  | "IO"
  | "IQ"
  | "IR"
  | "IS"
  | "IT"
  | "JE"
  | "JM"
  | "JO"
  | "JP"
  | "KE"
  | "KG"
  | "KH"
  | "KI"
  | "KM"
  | "KN"
  | "KP"
  | "KR"
  | "KW"
  | "KY"
  | "KZ"
  | "LA"
  | "LB"
  | "LC"
  | "LI"
  | "LK"
  | "LR"
  | "LS"
  | "LT"
  | "LU"
  | "LV"
  | "LY"
  | "MA"
  | "MC"
  | "MD"
  | "ME"
  | "MF"
  | "MG"
  | "MH"
  | "MK"
  | "ML"
  | "MM"
  | "MN"
  | "MO"
  | "MP"
  | "MQ"
  | "MR"
  | "MS"
  | "MT"
  | "MU"
  | "MV"
  | "MW"
  | "MX"
  | "MY"
  | "MZ"
  | "NA"
  | "NC"
  | "NE"
  | "NF"
  | "NG"
  | "NI"
  | "NL"
  | "NO"
  | "NP"
  | "NR"
  | "NU"
  | "NZ"
  | "OM"
  | "PA"
  | "PE"
  | "PF"
  | "PG"
  | "PH"
  | "PK"
  | "PL"
  | "PM"
  | "PN"
  | "PR"
  | "PS"
  | "PT"
  | "PW"
  | "PY"
  | "QA"
  | "RE"
  | "RO"
  | "RS"
  | "RU"
  | "RW"
  | "SA"
  | "SB"
  | "SC"
  | "SD"
  | "SE"
  | "SG"
  | "SH"
  | "SI"
  | "SJ"
  | "SK"
  | "SL"
  | "SM"
  | "SN"
  | "SO"
  | "SR"
  | "SS"
  | "ST"
  | "SV"
  | "SX"
  | "SY"
  | "SZ"
  | "TC"
  | "TD"
  | "TF"
  | "TG"
  | "TH"
  | "TJ"
  | "TK"
  | "TL"
  | "TM"
  | "TN"
  | "TO"
  | "TR"
  | "TT"
  | "TV"
  | "TW"
  | "TZ"
  | "UA"
  | "UG"
  | "UM"
  | "US"
  | "UY"
  | "UZ"
  | "VA"
  | "VC"
  | "VE"
  | "VG"
  | "VI"
  | "VN"
  | "VU"
  | "WF"
  | "WS"
  | "YE"
  | "YT"
  | "ZA"
  | "ZM"
  | "ZW"
  | "XX";

/** @pattern ^[A-Z]{3}$ */
export type Currency = string;

/**
 * A decimal amount in major units, as a JSON number or a string ("12.50"). Never more decimals than the currency has.
 * @maxLength 40
 */
export type DecimalAmount = string | number;

/**
 * A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200").
 * @pattern ^-?\d+(\.\d+)?$
 */
export type DecimalText = string;

/** A demo game's URL */
export interface DemoLaunch {
  /** @format uri */
  url: string;
}

/** A PIX deposit */
export interface Deposit {
  /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
  amount: DecimalText;
  /** The PIX copia-e-cola text */
  copyPaste: string | null;
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  createdAt: Timestamp;
  currency: string;
  /** @format uuid */
  depositId: string;
  expiresAt: Timestamp | null;
  finalizedAt: Timestamp | null;
  /** Why a held deposit was not credited, or why the provider refused the charge */
  heldReason: string | null;
  /** What the provider says was paid, once paid */
  paidAmount: DecimalText | null;
  /** How the payer was shown to be the player: the payer's CPF the provider returned, the provider refusing third-party payers, or the operator's declared guarantee */
  payerShownBy:
    | "payer_document"
    | "provider_refuses_third_parties"
    | "operator_guarantee";
  playerId: string;
  provider: string;
  providerReference: string | null;
  providerStatus: string | null;
  /** The EMV BR Code the QR image encodes, as the provider gives it */
  qrCode: string | null;
  /** A return waits for a second person's approval */
  returnRequested: boolean;
  status: DepositStatus;
  transactionId: string;
}

/** A page of deposits */
export interface DepositPage {
  deposits: Deposit[];
  nextCursor: string | null;
}

/** The providers configured here that take PIX deposits */
export interface DepositProviders {
  providers: {
    /** used when a deposit names no provider (PAYOUT_DEFAULT_PROVIDER) */
    default: boolean;
    name: "orkestra" | "jumppag" | "sandbox";
    /** How this provider shows that the payer is the player; null: it cannot, and its paid deposits are held */
    payerShownBy:
      | "payer_document"
      | "provider_refuses_third_parties"
      | "operator_guarantee";
  }[];
}

/** Our deposits against the provider's word on each charge */
export interface DepositReconciliation {
  /** those the provider was asked about (every one that reached it) */
  asked: number;
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  from: Timestamp;
  matched: number;
  mismatches: {
    /** @format uuid */
    depositId: string;
    /** paid_not_credited: the provider says paid and our ledger holds none of it; arrived_not_paid: our ledger holds money the provider does not call paid; amount_differs; missing_at_provider */
    kind:
      | "paid_not_credited"
      | "arrived_not_paid"
      | "amount_differs"
      | "missing_at_provider";
    ours: {
      /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
      amount: DecimalText;
      paidAmount: DecimalText | null;
      status: DepositStatus;
    };
    reference: string | null;
    theirs?: {
      paidAmount: string | null;
      providerStatus: string;
      status: "pending" | "paid" | "expired" | "failed";
    };
  }[];
  /** our deposits made in the range */
  ours: number;
  provider: string;
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  to: Timestamp;
}

export type DepositStatus =
  | "created"
  | "pending"
  | "paid"
  | "credited"
  | "expired"
  | "failed"
  | "held"
  | "returned";

/** A PIX deposit with its history */
export interface DepositWithHistory {
  /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
  amount: DecimalText;
  /** The PIX copia-e-cola text */
  copyPaste: string | null;
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  createdAt: Timestamp;
  currency: string;
  /** @format uuid */
  depositId: string;
  expiresAt: Timestamp | null;
  finalizedAt: Timestamp | null;
  /** Why a held deposit was not credited, or why the provider refused the charge */
  heldReason: string | null;
  history: {
    /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
    at: Timestamp;
    detail: object | null;
    from: DepositStatus | null;
    providerStatus: string | null;
    source: string;
    to: DepositStatus;
  }[];
  /** What the provider says was paid, once paid */
  paidAmount: DecimalText | null;
  /** How the payer was shown to be the player: the payer's CPF the provider returned, the provider refusing third-party payers, or the operator's declared guarantee */
  payerShownBy:
    | "payer_document"
    | "provider_refuses_third_parties"
    | "operator_guarantee";
  playerId: string;
  provider: string;
  providerReference: string | null;
  providerStatus: string | null;
  /** The EMV BR Code the QR image encodes, as the provider gives it */
  qrCode: string | null;
  /** A return waits for a second person's approval */
  returnRequested: boolean;
  status: DepositStatus;
  transactionId: string;
}

/** A game */
export interface Game {
  active: boolean;
  gameId: string;
}

/**
 * @minLength 1
 * @maxLength 100
 */
export type GameId = string;

/** The process is up */
export interface Health {
  status: "ok";
}

/**
 * A Hub88 answer
 * Every outcome, HTTP 200: status RS_OK or RS_ERROR_*, the request_uuid echoed, and the balance (Int64, 1/100000 of the currency) whenever the user is known.
 */
export interface Hub88Answer {
  /** @min 0 */
  balance?: number;
  currency?: string;
  request_uuid?: string;
  /**
   * Each route's schema (hub88BetAnswer, …) lists the statuses it may carry
   * @pattern ^RS_(OK|ERROR_[A-Z_]+)$
   */
  status: string;
  user?: string;
}

/**
 * Hub88: a player's balance
 * Fields not listed are ignored: Hub88 adds optional ones over time.
 */
export interface Hub88Balance {
  /**
   * @minLength 1
   * @maxLength 100
   */
  game_code?: string;
  /**
   * @minLength 1
   * @maxLength 100
   */
  request_uuid: string;
  /**
   * @minLength 1
   * @maxLength 600
   */
  token: string;
  user: PlayerId;
}

/** Hub88's answer to the balance, with the statuses it may carry */
export type Hub88BalanceAnswer = Hub88Answer & {
  status?:
    | "RS_OK"
    | "RS_ERROR_INVALID_SIGNATURE"
    | "RS_ERROR_WRONG_SYNTAX"
    | "RS_ERROR_WRONG_TYPES"
    | "RS_ERROR_UNKNOWN"
    | "RS_ERROR_INVALID_TOKEN"
    | "RS_ERROR_WRONG_CURRENCY"
    | "RS_ERROR_USER_DISABLED";
};

/**
 * Hub88: a bet
 * Fields not listed are ignored: Hub88 adds optional ones over time.
 */
export interface Hub88Bet {
  /**
   * Int64 in units of 1/100000 of the currency: 3.56 EUR is 356000.
   * @min 0
   */
  amount: number;
  /** @maxLength 255 */
  bet?: string | null;
  /**
   * @minLength 1
   * @maxLength 10
   */
  currency: string;
  /**
   * @minLength 1
   * @maxLength 100
   */
  game_code: string;
  game_id?: number | null;
  is_free?: boolean | null;
  is_supplier_promo?: boolean | null;
  meta?: object | null;
  /**
   * @minLength 1
   * @maxLength 100
   */
  request_uuid: string;
  /** @maxLength 100 */
  reward_uuid?: string | null;
  /** @maxLength 255 */
  round?: string | null;
  round_closed?: boolean | null;
  /** @maxLength 255 */
  supplier_transaction_id?: string | null;
  /** @maxLength 255 */
  supplier_user?: string | null;
  /**
   * @minLength 1
   * @maxLength 600
   */
  token: string;
  /**
   * @minLength 1
   * @maxLength 100
   */
  transaction_uuid: string;
  user: PlayerId;
}

/** Hub88's answer to a bet, with the statuses it may carry */
export type Hub88BetAnswer = Hub88Answer & {
  status?:
    | "RS_OK"
    | "RS_ERROR_INVALID_SIGNATURE"
    | "RS_ERROR_WRONG_SYNTAX"
    | "RS_ERROR_WRONG_TYPES"
    | "RS_ERROR_UNKNOWN"
    | "RS_ERROR_INVALID_TOKEN"
    | "RS_ERROR_TOKEN_EXPIRED"
    | "RS_ERROR_USER_DISABLED"
    | "RS_ERROR_INVALID_GAME"
    | "RS_ERROR_WRONG_CURRENCY"
    | "RS_ERROR_NOT_ENOUGH_MONEY"
    | "RS_ERROR_LIMIT_REACHED"
    | "RS_ERROR_DUPLICATE_TRANSACTION"
    | "RS_ERROR_TRANSACTION_ROLLED_BACK"
    | "RS_ERROR_TRANSACTION_DOES_NOT_EXIST";
};

/** Hub88's answer to the user's details, with the statuses it may carry */
export type Hub88InfoAnswer = Hub88Answer & {
  status?:
    | "RS_OK"
    | "RS_ERROR_INVALID_SIGNATURE"
    | "RS_ERROR_WRONG_SYNTAX"
    | "RS_ERROR_WRONG_TYPES"
    | "RS_ERROR_UNKNOWN"
    | "RS_ERROR_INVALID_TOKEN";
};

/**
 * Hub88: the rollback of a transaction
 * Fields not listed are ignored: Hub88 adds optional ones over time.
 */
export interface Hub88Rollback {
  /** @maxLength 10 */
  currency?: string | null;
  /**
   * @minLength 1
   * @maxLength 100
   */
  game_code?: string;
  game_id?: number | null;
  meta?: object | null;
  /**
   * @minLength 1
   * @maxLength 100
   */
  reference_transaction_uuid: string;
  /**
   * @minLength 1
   * @maxLength 100
   */
  request_uuid: string;
  /** @maxLength 255 */
  round?: string | null;
  round_closed?: boolean | null;
  /**
   * @minLength 1
   * @maxLength 600
   */
  token?: string;
  /**
   * @minLength 1
   * @maxLength 100
   */
  transaction_uuid: string;
  user: PlayerId;
}

/** Hub88's answer to a rollback, with the statuses it may carry */
export type Hub88RollbackAnswer = Hub88Answer & {
  status?:
    | "RS_OK"
    | "RS_ERROR_INVALID_SIGNATURE"
    | "RS_ERROR_WRONG_SYNTAX"
    | "RS_ERROR_WRONG_TYPES"
    | "RS_ERROR_UNKNOWN"
    | "RS_ERROR_INVALID_TOKEN"
    | "RS_ERROR_WRONG_CURRENCY"
    | "RS_ERROR_DUPLICATE_TRANSACTION"
    | "RS_ERROR_TRANSACTION_ROLLED_BACK"
    | "RS_ERROR_TRANSACTION_DOES_NOT_EXIST";
};

/**
 * Hub88: a player's details
 * Fields not listed are ignored: Hub88 adds optional ones over time.
 */
export interface Hub88UserInfo {
  /**
   * @minLength 1
   * @maxLength 100
   */
  request_uuid: string;
  user: PlayerId;
}

/**
 * Hub88: a win on a bet
 * Fields not listed are ignored: Hub88 adds optional ones over time.
 */
export interface Hub88Win {
  /**
   * Int64 in units of 1/100000 of the currency: 3.56 EUR is 356000.
   * @min 0
   */
  amount: number;
  /** @maxLength 255 */
  bet?: string | null;
  /**
   * @minLength 1
   * @maxLength 10
   */
  currency: string;
  /**
   * @minLength 1
   * @maxLength 100
   */
  game_code?: string;
  game_id?: number | null;
  is_free?: boolean | null;
  is_supplier_promo?: boolean | null;
  meta?: object | null;
  /** @maxLength 100 */
  reference_transaction_uuid?: string | null;
  /**
   * @minLength 1
   * @maxLength 100
   */
  request_uuid: string;
  /** @maxLength 100 */
  reward_uuid?: string | null;
  /** @maxLength 255 */
  round?: string | null;
  round_closed?: boolean | null;
  /** @maxLength 255 */
  supplier_transaction_id?: string | null;
  /** @maxLength 255 */
  supplier_user?: string | null;
  /**
   * @minLength 1
   * @maxLength 600
   */
  token: string;
  /**
   * @minLength 1
   * @maxLength 100
   */
  transaction_uuid: string;
  user: PlayerId;
}

/** Hub88's answer to a win, with the statuses it may carry */
export type Hub88WinAnswer = Hub88Answer & {
  status?:
    | "RS_OK"
    | "RS_ERROR_INVALID_SIGNATURE"
    | "RS_ERROR_WRONG_SYNTAX"
    | "RS_ERROR_WRONG_TYPES"
    | "RS_ERROR_UNKNOWN"
    | "RS_ERROR_INVALID_TOKEN"
    | "RS_ERROR_WRONG_CURRENCY"
    | "RS_ERROR_DUPLICATE_TRANSACTION"
    | "RS_ERROR_TRANSACTION_DOES_NOT_EXIST"
    | "RS_ERROR_TRANSACTION_ROLLED_BACK"
    | "RS_ERROR_USER_DISABLED";
};

/** An account the SPA register barred: each step with its time */
export interface Impediment {
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  closeBy: Timestamp;
  closedAt: Timestamp | null;
  /** whether each step happened by its deadline; null while it has not happened */
  deadlines: {
    closed: boolean | null;
    notice: boolean | null;
    returned: boolean | null;
  };
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  impededAt: Timestamp;
  /** @format uuid */
  impedimentId: string;
  /** the notice to the player, recorded when the account was impeded (the operator sends it) */
  notice: string;
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  noticedAt: Timestamp;
  playerId: string;
  /** the register's motivo, e.g. AUTOEXCLUSAO_CENTRALIZADA */
  reason: string | null;
  returnBy: Timestamp | null;
  returnPayoutId: string | null;
  returnedAt: Timestamp | null;
  roundsCancelled: number;
  /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
  stakesRefunded: DecimalText;
  unclaimed: null | {
    /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
    amount: DecimalText;
    /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
    at: Timestamp;
    currency: string;
    reason: string;
    /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
    until: Timestamp;
  };
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  withdrawUntil: Timestamp;
}

/** Impediments */
export interface ImpedimentList {
  impediments: Impediment[];
}

/** The IPv4 or IPv6 address of the person who launches the game; when absent, the address this request came from. */
export type Ip = string;

/** A verification state changed by a person */
export interface KycChange {
  /** none: never started; pending: under review; verified: may play, deposit and withdraw; retry_required: the vendor asks the player to try again; rejected: final; reverify_required: a later review asks again; suspended: set by a person */
  kycStatus: KycStatus;
  playerId: string;
}

/** Identity verification across players */
export interface KycReport {
  counts: {
    none: number;
    pending: number;
    rejected: number;
    retry_required: number;
    reverify_required: number;
    suspended: number;
    verified: number;
  };
  needingReview: {
    /** none: never started; pending: under review; verified: may play, deposit and withdraw; retry_required: the vendor asks the player to try again; rejected: final; reverify_required: a later review asks again; suspended: set by a person */
    kycStatus: KycStatus;
    playerId: string;
    since: Timestamp | null;
  }[];
}

/**
 * A verification started
 * The player's state, and the token the casino's site gives Sumsub's WebSDK until it expires.
 */
export interface KycStart {
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  expiresAt: Timestamp;
  /** none: never started; pending: under review; verified: may play, deposit and withdraw; retry_required: the vendor asks the player to try again; rejected: final; reverify_required: a later review asks again; suspended: set by a person */
  kycStatus: KycStatus;
  sdkToken: string;
}

/** A player's identity verification */
export interface KycState {
  applicant: {
    applicantId: string;
    vendor: string;
  } | null;
  /** @format date */
  birthDate: string | null;
  checks: {
    rawSha256: string | null;
    /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
    at: Timestamp;
    check: string;
    outcome: string;
    reference: string | null;
    score: string | null;
    source: string;
    /** none: never started; pending: under review; verified: may play, deposit and withdraw; retry_required: the vendor asks the player to try again; rejected: final; reverify_required: a later review asks again; suspended: set by a person */
    statusAfter: KycStatus;
    /** none: never started; pending: under review; verified: may play, deposit and withdraw; retry_required: the vendor asks the player to try again; rejected: final; reverify_required: a later review asks again; suspended: set by a person */
    statusBefore: KycStatus;
    traceId: string | null;
    vendor: string;
  }[];
  /** none: never started; pending: under review; verified: may play, deposit and withdraw; retry_required: the vendor asks the player to try again; rejected: final; reverify_required: a later review asks again; suspended: set by a person */
  kycStatus: KycStatus;
  playerId: string;
}

/** none: never started; pending: under review; verified: may play, deposit and withdraw; retry_required: the vendor asks the player to try again; rejected: final; reverify_required: a later review asks again; suspended: set by a person */
export type KycStatus =
  | "none"
  | "pending"
  | "verified"
  | "retry_required"
  | "rejected"
  | "reverify_required"
  | "suspended";

/** A launched game */
export interface Launch {
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  expiresAt: Timestamp;
  gameId: string;
  playerId: string;
  sessionId: string;
  /** @format uri */
  url: string;
}

/** The aggregator's launch locales (wallet-contract.md §7). */
export type LaunchLocale =
  | "en"
  | "en_so"
  | "es_so"
  | "da"
  | "nl"
  | "fi"
  | "fr"
  | "de"
  | "el"
  | "it"
  | "no"
  | "nb"
  | "pl"
  | "pt"
  | "pt_br"
  | "ru"
  | "es"
  | "sv"
  | "tr"
  | "zh"
  | "zh_hk"
  | "id"
  | "ja"
  | "ko"
  | "ms"
  | "th"
  | "vi"
  | "lv"
  | "hr"
  | "cs"
  | "hu"
  | "ro"
  | "bg"
  | "sk"
  | "et"
  | "ka"
  | "lt"
  | "uk";

export type LaunchPlatform = "web" | "mobile";

/** The ledger's proof */
export interface LedgerCheck {
  accounts: number;
  ms: number;
  problems: {
    check: string;
    detail: object;
  }[];
  sound: boolean;
  transfers: number;
}

/** A limit: its amount now, and a raise or removal waiting for its 24 hours */
export interface Limit {
  amount: DecimalText | null;
  pending?: {
    amount: DecimalText | null;
    /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
    effectiveAt: Timestamp;
  };
}

/**
 * Where the game sends the player when it closes.
 * @format uri
 * @maxLength 2000
 * @pattern ^https?://
 */
export type LobbyUrl = string;

/** Who is acting */
export interface Me {
  /** signed in with the bootstrap OPERATOR_TOKEN */
  bootstrap: boolean;
  email: string | null;
  /** what the role may do (docs/operator-api.md "Staff and roles") */
  permissions: string[];
  role: "viewer" | "support" | "finance" | "admin";
  staffId: string | null;
}

/** Where the schema stands */
export interface Migrations {
  applied: string[];
  indexBuilds: string[];
  migrating: boolean;
  pending: string[];
}

/**
 * @min 1
 * @max 44640
 */
export type Minutes = number;

/** A new personal API token, shown this once */
export interface NewToken {
  expiresAt: Timestamp | null;
  name: string;
  /**
   * send as Authorization: Bearer <token>
   * @pattern ^wst_
   */
  token: string;
  /** @format uuid */
  tokenId: string;
}

/** Not ready: why */
export interface NotReady {
  /** The durable job queue of this instance (payouts, protection, checkpoints), when it runs one: a database outage stops it, and it restarts by itself with backoff */
  jobQueue?: {
    lastError: string | null;
    /** @min 0 */
    restarts: number;
    running: boolean;
  };
  reason: string;
  status: "not_ready";
}

/** An OpenAPI 3.1 document */
export interface OpenApiDocument {
  components: object;
  info: object;
  openapi: "3.1.0";
  paths: object;
}

/** Correct a player's balance by hand */
export interface OperatorAdjustment {
  /** A decimal amount in major units, as a JSON number or a string ("12.50"). Never more decimals than the currency has. */
  amount: DecimalAmount;
  /**
   * @minLength 3
   * @maxLength 500
   */
  reason: string;
  transactionId: TransactionId;
}

/** Register an aggregator integration */
export interface OperatorApiClientCreate {
  /**
   * @minLength 1
   * @maxLength 100
   */
  name: string;
  /**
   * @minLength 16
   * @maxLength 200
   */
  privateKey?: string;
  /**
   * hmac-sha256: the key id (up to 200 characters); ed25519: the base64 public key; hub88-rsa-sha256: Hub88's RSA public key in PEM
   * @minLength 8
   * @maxLength 4000
   */
  publicKey: string;
  scheme: "hmac-sha256" | "ed25519" | "hub88-rsa-sha256";
}

/** Decide an approval request */
export interface OperatorApprovalDecision {
  /**
   * why: kept with the decision and in the audit trail
   * @minLength 1
   * @maxLength 1000
   */
  note?: string;
}

/**
 * Take a PIX deposit from a player
 * Makes a PIX charge at the provider (the default one if none is named) and answers its QR code and copia-e-cola. Idempotent by transactionId.
 */
export interface OperatorDepositCreate {
  /** A decimal amount in major units, as a JSON number or a string ("12.50"). Never more decimals than the currency has. */
  amount: DecimalAmount;
  provider?: "jumppag" | "orkestra" | "sandbox";
  transactionId: TransactionId;
}

/**
 * Return a held deposit
 * Records that a held deposit was returned to its payer in the provider's back office; a second person approves before the ledger gives it back.
 */
export interface OperatorDepositReturn {
  /**
   * How and when it was returned (the provider's refund reference, say).
   * @minLength 1
   * @maxLength 500
   */
  note: string;
}

/** An operator API error */
export interface OperatorError {
  error: {
    aggregator?: {
      code?: string;
      description?: string;
      status?: number;
    };
    code: string;
    field?: string;
    message: string;
    traceId: string;
  };
}

/** Enable or disable a game */
export interface OperatorGameUpdate {
  active: boolean;
}

/**
 * Suspend a player, or lift a suspension
 * Why: kept with the check and in the audit trail.
 */
export interface OperatorKycSuspension {
  /**
   * @minLength 3
   * @maxLength 500
   */
  note: string;
}

/** Launch a game for a player */
export interface OperatorLaunch {
  /** ISO 3166-1 alpha-2 (the 249 assigned codes), or XX for unknown. */
  country: Country;
  gameId: GameId;
  /** The IPv4 or IPv6 address of the person who launches the game; when absent, the address this request came from. */
  ip?: Ip;
  /** Where the game sends the player when it closes. */
  lobbyUrl?: LobbyUrl;
  /** The aggregator's launch locales (wallet-contract.md §7). */
  locale: LaunchLocale;
  platform: LaunchPlatform;
  /**
   * @min 60
   * @max 604800
   */
  ttlSeconds?: number;
}

/** Launch a game in demo mode */
export interface OperatorLaunchDemo {
  /** ISO 3166-1 alpha-2 (the 249 assigned codes), or XX for unknown. */
  country: Country;
  currency?: Currency;
  gameId: GameId;
  /** The IPv4 or IPv6 address of the person who launches the game; when absent, the address this request came from. */
  ip?: Ip;
  /** Where the game sends the player when it closes. */
  lobbyUrl?: LobbyUrl;
  /** The aggregator's launch locales (wallet-contract.md §7). */
  locale: LaunchLocale;
  platform: LaunchPlatform;
}

/**
 * Register a player's account at a payout provider
 * The provider's id of an account in the player's own name (Hashlee: the gateway_unit_account_id its back office shows), the holder's document, and the PIX key where the provider shows one.
 */
export interface OperatorPayoutAccountCreate {
  /**
   * @minLength 1
   * @maxLength 100
   * @pattern ^[\x21-\x7E]+$
   */
  accountId: string;
  /**
   * the account holder's CPF, with or without punctuation; it must be the player's
   * @minLength 11
   * @maxLength 18
   */
  holderDocument: string;
  /**
   * @minLength 1
   * @maxLength 77
   */
  pixKey?: string;
  pixKeyType?: "cpf" | "cnpj" | "email" | "phone" | "evp";
  provider: "orkestra" | "paystar" | "hashlee" | "jumppag" | "sandbox";
}

/**
 * Pay a player out by PIX
 * pixKey is required, except for a provider that pays the player's registered payout account (Hashlee).
 */
export interface OperatorPayoutCreate {
  /** A decimal amount in major units, as a JSON number or a string ("12.50"). Never more decimals than the currency has. */
  amount: DecimalAmount;
  /**
   * @minLength 1
   * @maxLength 77
   */
  pixKey?: string;
  pixKeyType?: "cpf" | "cnpj" | "email" | "phone" | "evp";
  provider?: "orkestra" | "paystar" | "hashlee" | "jumppag" | "sandbox";
  transactionId: TransactionId;
}

/**
 * Decide a payout in review
 * After asking the provider about a payout whose send outcome is unknown: resend it under the same id, or fail it and give the reserve back.
 */
export interface OperatorPayoutReview {
  decision: "resend" | "fail";
  /**
   * what the provider said, for the audit trail
   * @minLength 1
   * @maxLength 500
   */
  note: string;
}

/** Create a player */
export interface OperatorPlayerCreate {
  /**
   * YYYY-MM-DD; identity verification rejects anyone under 18 on the day of its decision (docs/kyc.md)
   * @format date
   */
  birthDate?: string;
  currency: Currency;
  /**
   * @minLength 1
   * @maxLength 32
   */
  documentNumber?: string;
  /**
   * @minLength 1
   * @maxLength 100
   */
  firstName?: string;
  /**
   * @minLength 1
   * @maxLength 100
   */
  lastName?: string;
  playerId: PlayerId;
}

/** Update a player's status, limits, pause or reality check */
export interface OperatorPlayerUpdate {
  /** Responsible-gaming limits in major units; null removes one. A lower limit applies at once, a higher one (or a removal) after 24 hours. */
  limits?: {
    /** PIX deposits in any 24 hours */
    deposit24h?: DecimalAmount | null;
    /** PIX deposits in any 30 days */
    deposit30d?: DecimalAmount | null;
    /** PIX deposits in any 7 days */
    deposit7d?: DecimalAmount | null;
    loss24h?: DecimalAmount | null;
    loss30d?: DecimalAmount | null;
    loss7d?: DecimalAmount | null;
    betMax?: DecimalAmount | null;
    /** Minutes of play per day (the jurisdiction's time zone) */
    timeDay?: Minutes | null;
    /** Minutes of play per calendar month */
    timeMonth?: Minutes | null;
    /** Minutes of play per week, from Monday */
    timeWeek?: Minutes | null;
  };
  /** Pause play until this time (bets refused, the account stays reachable); null ends it. Setting or lengthening applies at once; shortening or ending waits 24 hours. */
  pausedUntil?: string | null;
  realityCheckPending?: boolean;
  status?: "active" | "blocked";
}

/** Open a game session */
export interface OperatorSessionCreate {
  /** whose games the session is for (fizzy-bubbly when absent); another aggregator's calls with it are refused */
  aggregator?: "fizzy-bubbly" | "hub88";
  /**
   * @minLength 1
   * @maxLength 100
   */
  gameId?: string;
  /**
   * @min 60
   * @max 604800
   */
  ttlSeconds?: number;
}

/** Create a staff account */
export interface OperatorStaffCreate {
  /**
   * @minLength 1
   * @maxLength 100
   */
  displayName: string;
  /**
   * @format email
   * @maxLength 254
   */
  email: string;
  /**
   * at least 12 characters; stored only as a scrypt hash
   * @minLength 12
   * @maxLength 200
   */
  password: string;
  role: "viewer" | "support" | "finance" | "admin";
}

/** Change a staff account */
export interface OperatorStaffUpdate {
  /**
   * @minLength 1
   * @maxLength 100
   */
  displayName?: string;
  /**
   * at least 12 characters; stored only as a scrypt hash
   * @minLength 12
   * @maxLength 200
   */
  password?: string;
  role?: "viewer" | "support" | "finance" | "admin";
  status?: "active" | "disabled";
}

/** Create a personal API token */
export interface OperatorTokenCreate {
  /**
   * ISO 8601 UTC date-time after which the token is refused; none when absent
   * @maxLength 40
   */
  expiresAt?: string;
  /**
   * @minLength 1
   * @maxLength 100
   */
  name: string;
}

/** Top a player up */
export interface OperatorTopup {
  /** A decimal amount in major units, as a JSON number or a string ("12.50"). Never more decimals than the currency has. */
  amount: DecimalAmount;
  transactionId: TransactionId;
}

/** A payout */
export interface Payout {
  /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
  amount: DecimalText;
  beneficiaryDocument: string;
  currency: string;
  finalizedAt: Timestamp | null;
  manualReview: boolean;
  overdue: boolean;
  payoutAccountId: string | null;
  /** @format uuid */
  payoutId: string;
  pixKey: string | null;
  pixKeyType: string | null;
  playerId: string;
  provider: string;
  providerReference: string | null;
  providerStatus: string | null;
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  requestedAt: Timestamp;
  reviewReason: string | null;
  status: PayoutStatus;
  transactionId: string;
}

/** A player's payout account at a provider */
export interface PayoutAccount {
  accountId: string;
  holderDocument: string;
  /** @format uuid */
  payoutAccountId: string;
  pixKey: string | null;
  pixKeyType: string | null;
  playerId: string;
  provider: string;
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  registeredAt: Timestamp;
  retiredAt: Timestamp | null;
  status: "active" | "retired";
}

/** A player's payout accounts, retired ones included */
export interface PayoutAccountList {
  payoutAccounts: PayoutAccount[];
}

/** A place a player's payouts go that is not provably the player's by its form: an e-mail, phone or random PIX key, or a provider account */
export interface PayoutDestination {
  approvedBy: string | null;
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  createdAt: Timestamp;
  decidedAt: Timestamp | null;
  /** email:…, phone:+55…, evp:…, or <provider>:<account id> */
  destination: string;
  /** @format uuid */
  destinationId: string;
  /** @format uuid */
  firstPayoutId: string;
  playerId: string;
  retiredAt: Timestamp | null;
  /** pending: its first payout waits for a second person; known: confirmed, paid without waiting; rejected or retired: the next payout to it waits again */
  status: "pending" | "known" | "rejected" | "retired";
}

/** A player's payout destinations, rejected and retired ones included */
export interface PayoutDestinationList {
  payoutDestinations: PayoutDestination[];
}

/** A page of payouts */
export interface PayoutPage {
  nextCursor: string | null;
  payouts: Payout[];
}

/** The payout providers configured here */
export interface PayoutProviders {
  providers: {
    /** used when a payout request names no provider (PAYOUT_DEFAULT_PROVIDER) */
    default: boolean;
    name: "orkestra" | "paystar" | "hashlee" | "jumppag" | "sandbox";
    /** pays the player's registered payout account, not a PIX key (Hashlee) */
    paysRegisteredAccount: boolean;
  }[];
}

export type PayoutStatus =
  | "pending_approval"
  | "requested"
  | "submitted"
  | "processing"
  | "on_hold"
  | "unknown"
  | "review"
  | "succeeded"
  | "failed"
  | "cancelled"
  | "reversed";

/** A payout with its history */
export interface PayoutWithHistory {
  /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
  amount: DecimalText;
  beneficiaryDocument: string;
  currency: string;
  finalizedAt: Timestamp | null;
  history: {
    /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
    at: Timestamp;
    detail: object | null;
    from: PayoutStatus | null;
    providerStatus: string | null;
    source: string;
    to: PayoutStatus;
  }[];
  manualReview: boolean;
  overdue: boolean;
  payoutAccountId: string | null;
  /** @format uuid */
  payoutId: string;
  pixKey: string | null;
  pixKeyType: string | null;
  playerId: string;
  provider: string;
  providerReference: string | null;
  providerStatus: string | null;
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  requestedAt: Timestamp;
  reviewReason: string | null;
  status: PayoutStatus;
  transactionId: string;
}

/** A page of the payouts report */
export interface PayoutsReportPage {
  nextCursor: string | null;
  rows: {
    /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
    amount: DecimalText;
    currency: string;
    finalizedAt: Timestamp | null;
    manualReview: boolean;
    /** @format uuid */
    payoutId: string;
    playerId: string;
    provider: string;
    providerReference: string | null;
    providerStatus: string | null;
    /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
    requestedAt: Timestamp;
    reviewReason: string | null;
    settleSeconds: number | null;
    status: PayoutStatus;
    transactionId: string;
  }[];
}

/**
 * A player
 * A player with the balance of its cash account and its limits; a limit shows `pending` while a raise or removal waits for its 24 hours.
 */
export interface Player {
  /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
  balance: DecimalText;
  /** @format date */
  birthDate: string | null;
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  createdAt: Timestamp;
  currency: string;
  documentNumber: string | null;
  firstName: string | null;
  /** none: never started; pending: under review; verified: may play, deposit and withdraw; retry_required: the vendor asks the player to try again; rejected: final; reverify_required: a later review asks again; suspended: set by a person */
  kycStatus: KycStatus;
  lastName: string | null;
  limits: {
    deposit24h?: Limit;
    deposit30d?: Limit;
    deposit7d?: Limit;
    loss24h?: Limit;
    loss30d?: Limit;
    loss7d?: Limit;
    betMax?: Limit;
    /** amounts in minutes of play */
    timeDay?: Limit;
    /** amounts in minutes of play */
    timeMonth?: Limit;
    /** amounts in minutes of play */
    timeWeek?: Limit;
  };
  pausedUntil: Timestamp | null;
  playerId: string;
  realityCheckPending: boolean;
  /** impeded: barred by the SPA register (no bets, no deposits; wins, rollbacks and withdrawals flow); closed: closed after an impediment */
  status: "active" | "blocked" | "impeded" | "closed";
}

/**
 * @minLength 1
 * @maxLength 45
 * @pattern ^[\x21-\x7E]+$
 */
export type PlayerId = string;

/** A page of players, newest first */
export interface PlayerList {
  /** The cursor of the next page; null on the last */
  nextCursor: string | null;
  players: {
    /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
    balance: DecimalText;
    /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
    createdAt: Timestamp;
    currency: string;
    firstName: string | null;
    lastName: string | null;
    playerId: string;
    status: "active" | "blocked" | "impeded" | "closed";
  }[];
}

/** A player's protection */
export interface Protection {
  alerts: {
    /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
    at: Timestamp;
    limit: "time_day" | "time_week" | "time_month";
    limitMinutes: number;
    /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
    periodStart: Timestamp;
    playedMinutes: number;
  }[];
  checks: {
    /** the register's answer as received, or the failure */
    answer: string;
    checkId: string;
    /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
    checkedAt: Timestamp;
    outcome: "permitted" | "impeded" | "unreachable";
    reason: string | null;
    traceId: string | null;
    trigger: "registration" | "daily" | "sweep" | "retry";
  }[];
  impediment: Impediment | null;
  jurisdiction: "BR";
  pausedUntil: Timestamp | null;
  playerId: string;
  /** the last day (YYYY-MM-DD, the jurisdiction's time zone) a check cleared the player */
  registerCheckedOn: string | null;
  /** clear: the register permitted the CPF (bets and deposits wait for it under BR) */
  registerState: "unchecked" | "clear" | "unreachable";
  status: "active" | "blocked" | "impeded" | "closed";
}

/** Ready for traffic */
export interface Ready {
  /** The durable job queue of this instance (payouts, protection, checkpoints), when it runs one: a database outage stops it, and it restarts by itself with backoff */
  jobQueue?: {
    lastError: string | null;
    /** @min 0 */
    restarts: number;
    running: boolean;
  };
  status: "ready";
}

/** Our payouts against the provider's */
export interface Reconciliation {
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  from: Timestamp;
  matched: number;
  method: "list" | "lookup";
  mismatches: {
    kind:
      | "missing_at_provider"
      | "missing_here"
      | "status_differs"
      | "amount_differs";
    ours?: {
      /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
      amount: DecimalText;
      status: PayoutStatus;
    };
    payoutId: string | null;
    reference: string | null;
    theirs?: {
      /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
      amount: DecimalText;
      providerStatus: string;
      status: PayoutStatus;
    };
  }[];
  ours: number;
  provider: string;
  theirs: number;
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  to: Timestamp;
}

/** A page of game rounds */
export interface RoundsPage {
  nextCursor: string | null;
  rows: {
    aggregator: "fizzy-bubbly" | "hub88";
    /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
    bets: DecimalText;
    client: string;
    closedAt: Timestamp | null;
    currency: string;
    gameId: string;
    /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
    net: DecimalText;
    open: boolean;
    /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
    openedAt: Timestamp;
    playerId: string;
    /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
    refunds: DecimalText;
    roundId: string;
    transactions: number;
    /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
    wins: DecimalText;
  }[];
}

/** A game session */
export interface Session {
  aggregator: "fizzy-bubbly" | "hub88";
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  expiresAt: Timestamp;
  gameId: string | null;
  playerId: string;
  sessionId: string;
}

/** A staff account */
export interface Staff {
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  createdAt: Timestamp;
  disabledAt: Timestamp | null;
  displayName: string;
  email: string;
  role: "viewer" | "support" | "finance" | "admin";
  /** @format uuid */
  staffId: string;
  status: "active" | "disabled";
}

/** The staff accounts */
export interface StaffList {
  staff: Staff[];
}

/** A player's statement, newest first */
export interface Statement {
  /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
  balance: DecimalText;
  currency: string;
  nextCursor: string | null;
  playerId: string;
  transactions: {
    /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
    amount: DecimalText;
    /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
    balanceAfter: DecimalText;
    /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
    createdAt: Timestamp;
    id: string;
    kind: string;
    reference: string | null;
  }[];
}

/** Totals by day, game, player or currency */
export interface Summary {
  from: Timestamp | null;
  groupBy: "day" | "game" | "player" | "currency";
  rows: {
    activePlayers: number;
    adjustments: DecimalText | null;
    /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
    bets: DecimalText;
    currency: string;
    /** @pattern ^\d{4}-\d{2}-\d{2}$ */
    day?: string;
    /** PIX deposits credited to players */
    depositsCredited: DecimalText | null;
    depositsCreditedCount: number | null;
    /** PIX deposits held (not credited): another payer, another amount, or a player who may take no money in */
    depositsHeld: DecimalText | null;
    depositsHeldCount: number | null;
    /** Held deposits given back */
    depositsReturned: DecimalText | null;
    depositsReturnedCount: number | null;
    gameId?: string;
    /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
    ggr: DecimalText;
    payoutsFailed: DecimalText | null;
    payoutsFailedCount: number | null;
    payoutsRequested: DecimalText | null;
    payoutsRequestedCount: number | null;
    payoutsReversed: DecimalText | null;
    payoutsReversedCount: number | null;
    payoutsSucceeded: DecimalText | null;
    payoutsSucceededCount: number | null;
    playerId?: string;
    /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
    refunds: DecimalText;
    rounds: number;
    topUps: DecimalText | null;
    /** A decimal amount in major units, as text: exactly as many decimals as the currency has ("12.50", JPY "1200"). */
    wins: DecimalText;
  }[];
  to: Timestamp | null;
}

/** A sweep of the register over every open account */
export interface Sweep {
  done: number;
  finishedAt: Timestamp | null;
  impeded: number;
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  startedAt: Timestamp;
  /** @format uuid */
  sweepId: string;
  total: number;
  unreachable: number;
}

/** Register sweeps */
export interface SweepList {
  sweeps: Sweep[];
}

/**
 * ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z.
 * @format date-time
 */
export type Timestamp = string;

/** A personal API token (never its secret) */
export interface Token {
  /** ISO 8601 in UTC, e.g. 2026-03-01T12:00:00.000Z. */
  createdAt: Timestamp;
  expiresAt: Timestamp | null;
  name: string;
  revokedAt: Timestamp | null;
  /** @format uuid */
  tokenId: string;
}

/** Your personal tokens */
export interface TokenList {
  tokens: Token[];
}

/**
 * @minLength 1
 * @maxLength 255
 */
export type TransactionId = string;

/**
 * A wallet answer: the balance in major units
 * The same answer, byte for byte, on every retry of a money call with its transactionId.
 */
export interface WalletAnswer {
  balance: number;
  currency: string;
}

/**
 * Fetch user balance
 * Fields not listed are ignored: the aggregator adds fields over time.
 */
export interface WalletBalance {
  currency: Currency;
  playerId: PlayerId;
  /**
   * @minLength 1
   * @maxLength 600
   */
  sessionId: string;
}

/**
 * Deposit (win)
 * Fields not listed are ignored: the aggregator adds fields over time.
 */
export interface WalletDeposit {
  /**
   * Total in major units: cashAmount + jackpotAmount.
   * @min 0
   */
  amount: number;
  /** @min 0 */
  cashAmount: number;
  currency: Currency;
  /** @maxLength 255 */
  freeSpinsCampaignId?: string | null;
  /**
   * @minLength 1
   * @maxLength 255
   */
  gameId: string;
  /**
   * @minLength 1
   * @maxLength 255
   */
  gameRoundId: string;
  isFeatureBuy?: boolean | null;
  isForceComplete?: boolean | null;
  isFreeSpinsConsumed?: boolean | null;
  isGameRoundFinished: boolean;
  /** @min 0 */
  jackpotAmount?: number | null;
  playerId: PlayerId;
  /**
   * @minLength 1
   * @maxLength 600
   */
  sessionId: string;
  transactionId: TransactionId;
  withdrawTransactionId: TransactionId;
}

/** A wallet error */
export interface WalletError {
  code: string;
  description: string;
  traceId: string;
}

/**
 * Rollback a withdraw
 * Fields not listed are ignored: the aggregator adds fields over time.
 */
export interface WalletRollback {
  currency: Currency;
  /** @maxLength 255 */
  freeSpinsCampaignId?: string | null;
  /**
   * @minLength 1
   * @maxLength 255
   */
  gameId: string;
  /**
   * @minLength 1
   * @maxLength 255
   */
  gameRoundId: string;
  playerId: PlayerId;
  /**
   * @minLength 1
   * @maxLength 600
   */
  sessionId: string;
  transactionId: TransactionId;
  withdrawTransactionId: TransactionId;
}

/**
 * Withdraw (bet)
 * Fields not listed are ignored: the aggregator adds fields over time.
 */
export interface WalletWithdraw {
  /**
   * Total in major units: cashAmount + jackpotAmount.
   * @min 0
   */
  amount: number;
  /** @min 0 */
  cashAmount: number;
  currency: Currency;
  /** @maxLength 255 */
  freeSpinsCampaignId?: string | null;
  /**
   * @minLength 1
   * @maxLength 255
   */
  gameId: string;
  /**
   * @minLength 1
   * @maxLength 255
   */
  gameRoundId: string;
  isFeatureBuy?: boolean | null;
  isGameRoundFinished: boolean;
  /** @min 0 */
  jackpotAmount?: number | null;
  playerId: PlayerId;
  /**
   * @minLength 1
   * @maxLength 600
   */
  sessionId: string;
  transactionId: TransactionId;
}

/**
 * A notification received
 * How many payouts, charges or applicants the notification named, and how many of them were checked with the provider.
 */
export interface WebhookReceipt {
  checked: number;
  received: number;
  /** The provider could not be read: nothing changed, and the read is queued with backoff. */
  recheck?: "queued";
}
