import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from 'node:crypto';

function digest(value: string): Buffer {
  return createHash('sha256').update(value).digest();
}

/**
 * A check of a presented secret (a bearer token) against the expected one, in constant time: both sides are
 * hashed first, so neither the length nor how much of it was right shows in the timing.
 */
export function secretMatcher(expected: string): (given: string) => boolean {
  const wanted = digest(expected);
  return (given) => timingSafeEqual(digest(given), wanted);
}

/** Seals and opens secrets kept at rest (aggregators' HMAC keys) with AES-256-GCM under SECRETS_KEY. */
export interface SecretBox {
  seal(plain: string): string;
  /** The secret; a value stored before sealing existed (no `v1:` prefix) is returned as it is. */
  open(stored: string): string;
  isSealed(stored: string): boolean;
}

const SEALED = 'v1:';

export function secretBox(key: Buffer): SecretBox {
  if (key.length !== 32) throw new Error('SECRETS_KEY must be 32 bytes');
  return {
    seal(plain) {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const sealed = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return `${SEALED}${[iv, cipher.getAuthTag(), sealed].map((b) => b.toString('base64url')).join('.')}`;
    },
    open(stored) {
      if (!stored.startsWith(SEALED)) return stored;
      const [iv, tag, sealed] = stored.slice(SEALED.length).split('.').map((part) => Buffer.from(part, 'base64url'));
      const decipher = createDecipheriv('aes-256-gcm', key, iv);
      decipher.setAuthTag(tag);
      return Buffer.concat([decipher.update(sealed), decipher.final()]).toString('utf8');
    },
    isSealed: (stored) => stored.startsWith(SEALED),
  };
}
