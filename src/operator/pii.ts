import { RequestHandler } from 'express';
import { roleGrants, roleOf } from './permissions';

/** Fields of the operator API's answers that hold a person's CPF. */
const CPF_FIELDS = new Set(['documentNumber', 'beneficiaryDocument', 'holderDocument']);

/** A CPF as a role without pii.read sees it: the last five digits, as ***.***.438-03 (LGPD's minimisation). */
export function maskCpf(value: string): string {
  const digits = value.replace(/\D/g, '');
  return digits.length === 11 ? `***.***.${digits.slice(6, 9)}-${digits.slice(9)}` : '***';
}

function masked(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(masked);
  if (value === null || typeof value !== 'object') return value;
  const object = value as Record<string, unknown>;
  return Object.fromEntries(Object.entries(object).map(([key, field]) => {
    if (typeof field === 'string' && (CPF_FIELDS.has(key) || (key === 'pixKey' && object.pixKeyType === 'cpf'))) return [key, maskCpf(field)];
    return [key, masked(field)];
  }));
}

/**
 * For a role without `pii.read` (viewer, support), every JSON answer of the operator API shows CPFs masked: the
 * player's document, a payout's beneficiary, a payout account's holder, and a CPF PIX key.
 */
export const maskPiiUnlessAllowed: RequestHandler = (_req, res, next) => {
  if (!roleGrants(roleOf(res), 'pii.read')) {
    const json = res.json.bind(res);
    res.json = (body: unknown) => json(masked(body));
  }
  next();
};
