export { parsePixKey, isValidCpf, isValidCnpj, PixKeyError } from './pix';
export type { PixKey, PixKeyType } from './pix';
