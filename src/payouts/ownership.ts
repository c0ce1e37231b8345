import { ApiError } from '../http';
import { isValidCpf, parsePixKey, PixKey, PixKeyError, PixKeyType } from './pix';

export function invalid(field: string, message: string, code = 'VALIDATION_ERROR'): ApiError {
  return new ApiError(400, code, `${field} ${message}`, field);
}

/** The player's CPF as digits: a payout and a payout account are both in the player's own name. */
export function playerCpf(player: { document_number: string | null }): string {
  const cpf = player.document_number?.replace(/\D/g, '') ?? '';
  if (!isValidCpf(cpf)) throw invalid('playerId', "has no valid CPF (documentNumber): a payout is sent to the player's own name", 'PLAYER_DOCUMENT_MISSING');
  return cpf;
}

/**
 * A PIX key given for the player: valid for its type and, as far as a key shows it, the player's own (Portaria
 * SPA/MF 615/2024: prizes go only to an account in the player's name). A CPF key must be the player's CPF and a
 * CNPJ key is never a person's own; e-mail, phone and random keys are checked by the provider against the
 * beneficiary document, where it takes one (README: "Provider configuration").
 */
export function ownPixKey(raw: string, type: PixKeyType | undefined, cpf: string): PixKey {
  let key: PixKey;
  try {
    key = parsePixKey(raw, type);
  } catch (error) {
    if (error instanceof PixKeyError) throw invalid('pixKey', error.message);
    throw error;
  }
  if ((key.type === 'cpf' && key.key !== cpf) || key.type === 'cnpj') {
    throw invalid('pixKey', "must belong to the player: a CPF or CNPJ key that is not the player's own CPF is refused", 'PIX_KEY_NOT_OWNED');
  }
  return key;
}
