/** Largest request body any endpoint accepts. */
export const BODY_LIMIT_BYTES = 64 * 1024;
