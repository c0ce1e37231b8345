/**
 * PIX keys (DICT key types CPF, CNPJ, PHONE, EMAIL, EVP): normalisation and validation before any provider is
 * called. Format rules are the BCB's; CPF and CNPJ check digits are verified too (the BCB regexes do not), and
 * CNPJ accepts the alphanumeric form in use from July 2026.
 */
export type PixKeyType = 'cpf' | 'cnpj' | 'phone' | 'email' | 'evp';

export interface PixKey {
  type: PixKeyType;
  /** The key as providers expect it: digits only for CPF, upper-case for CNPJ, +55… for phones, lower-case otherwise. */
  key: string;
}

export class PixKeyError extends Error {}

/** Modulo-11 check digit as CPF and CNPJ use it: a remainder below 2 gives 0. */
function checkDigit(values: number[], weights: number[]): number {
  const sum = values.reduce((total, value, i) => total + value * weights[i], 0);
  const remainder = sum % 11;
  return remainder < 2 ? 0 : 11 - remainder;
}

export function isValidCpf(value: string): boolean {
  if (!/^\d{11}$/.test(value) || /^(\d)\1{10}$/.test(value)) return false;
  const digits = [...value].map(Number);
  const first = checkDigit(digits.slice(0, 9), [10, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = checkDigit(digits.slice(0, 10), [11, 10, 9, 8, 7, 6, 5, 4, 3, 2]);
  return digits[9] === first && digits[10] === second;
}

/** Numeric or alphanumeric CNPJ: 12 characters [0-9A-Z] valued ASCII − 48, then 2 numeric check digits. */
export function isValidCnpj(value: string): boolean {
  if (!/^[0-9A-Z]{12}\d{2}$/.test(value) || /^(\d)\1{13}$/.test(value)) return false;
  const values = [...value].map((c) => c.charCodeAt(0) - 48);
  const first = checkDigit(values.slice(0, 12), [5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  const second = checkDigit(values.slice(0, 13), [6, 5, 4, 3, 2, 9, 8, 7, 6, 5, 4, 3, 2]);
  return values[12] === first && values[13] === second;
}

const EMAIL = /^[a-z0-9.!#$&'*+/=?^_`{|}~-]+@[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*$/;
const EVP = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
/** +55, a two-digit area code without a leading 0, then 8 (landline) or 9 (mobile, starting with 9) digits. */
const BRAZIL_PHONE = /^\+55[1-9][0-9](?:9\d{8}|[2-8]\d{7})$/;

const stripDocument = (value: string) => value.replace(/[.\-/\s]/g, '').toUpperCase();

function normaliseAs(type: PixKeyType, raw: string): string {
  const value = raw.trim();
  switch (type) {
    case 'cpf': {
      const cpf = stripDocument(value);
      if (!isValidCpf(cpf)) throw new PixKeyError('is not a valid CPF');
      return cpf;
    }
    case 'cnpj': {
      const cnpj = stripDocument(value);
      if (!isValidCnpj(cnpj)) throw new PixKeyError('is not a valid CNPJ');
      return cnpj;
    }
    case 'phone': {
      const phone = value.replace(/[\s()-]/g, '');
      if (!BRAZIL_PHONE.test(phone)) throw new PixKeyError('is not a Brazilian phone number in the form +55DDNNNNNNNNN');
      return phone;
    }
    case 'email': {
      const email = value.toLowerCase();
      if (email.length > 77 || !EMAIL.test(email)) throw new PixKeyError('is not a valid e-mail key (at most 77 characters)');
      return email;
    }
    case 'evp': {
      const evp = value.toLowerCase();
      if (!EVP.test(evp)) throw new PixKeyError('is not a random (EVP) key: a UUID such as 123e4567-e89b-12d3-a456-426655440000');
      return evp;
    }
    default:
      throw new PixKeyError(`has an unknown key type ${type as string}`);
  }
}

/**
 * The key's type when none was given. An 11-digit number that is a valid CPF could also be a phone without
 * +55: such a key is refused as ambiguous rather than guessed (phones must be sent as +55…).
 */
function inferType(raw: string): PixKeyType {
  const value = raw.trim();
  if (EVP.test(value.toLowerCase())) return 'evp';
  if (value.includes('@')) return 'email';
  if (value.startsWith('+')) return 'phone';
  const document = stripDocument(value);
  if (/^\d{11}$/.test(document)) {
    if (isValidCpf(document) && /^[1-9][0-9]9\d{8}$/.test(document)) {
      throw new PixKeyError('is ambiguous: a valid CPF and a mobile number without +55; give pixKeyType');
    }
    return 'cpf';
  }
  if (/^[0-9A-Z]{14}$/.test(document)) return 'cnpj';
  throw new PixKeyError('is not a CPF, CNPJ, +55 phone, e-mail or random key; give pixKeyType');
}

export function parsePixKey(raw: string, type?: PixKeyType): PixKey {
  const resolved = type ?? inferType(raw);
  return { type: resolved, key: normaliseAs(resolved, raw) };
}

/** One EMV field: id, two-digit length, value. */
const emv = (id: string, value: string) => `${id}${String(value.length).padStart(2, '0')}${value}`;

/** CRC-16/CCITT-FALSE (polynomial 0x1021, start 0xFFFF), as the BR Code's field 63 carries it. */
function crc16(text: string): string {
  let crc = 0xffff;
  for (const byte of Buffer.from(text, 'utf8')) {
    crc ^= byte << 8;
    for (let bit = 0; bit < 8; bit += 1) crc = crc & 0x8000 ? ((crc << 1) ^ 0x1021) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc.toString(16).toUpperCase().padStart(4, '0');
}

/**
 * A static PIX BR Code (Banco Central's "Manual de Padrões para Iniciação do Pix": EMV merchant-presented QR), the
 * text a QR image encodes and a bank app takes as copia-e-cola. The sandbox makes its charges' codes with it.
 */
export function brCode(charge: { key: string; amount?: string; name: string; city: string; txid: string }): string {
  const payload = emv('00', '01')
    + emv('26', emv('00', 'br.gov.bcb.pix') + emv('01', charge.key))
    + emv('52', '0000') + emv('53', '986') + (charge.amount ? emv('54', charge.amount) : '') + emv('58', 'BR')
    + emv('59', charge.name.slice(0, 25)) + emv('60', charge.city.slice(0, 15))
    + emv('62', emv('05', charge.txid.replace(/[^A-Za-z0-9*]/g, '').slice(0, 25)))
    + '6304';
  return payload + crc16(payload);
}
