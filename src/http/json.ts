import { parse, isLosslessNumber, LosslessNumber } from 'lossless-json';
import { ApiError } from './errors';

export interface ExactJson {
  /** The body with numbers as JS numbers, for schema validation. */
  value: unknown;
  /** The exact source text of each number in an object, by dotted path ("limits.betMax"), for money. */
  numberTexts: Map<string, string>;
}

function toPlain(node: unknown): unknown {
  if (isLosslessNumber(node)) return Number((node as LosslessNumber).value);
  if (Array.isArray(node)) return node.map(toPlain);
  if (node !== null && typeof node === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, child] of Object.entries(node)) {
      // defineProperty, so that a "__proto__" key stays a plain field and never becomes a prototype
      Object.defineProperty(out, key, { value: toPlain(child), enumerable: true, writable: true, configurable: true });
    }
    return out;
  }
  return node;
}

/** No request of ours nests deeper than a few levels; deeper bodies are refused before any recursive work. */
const MAX_DEPTH = 32;

function nestingDepth(text: string): number {
  let depth = 0;
  let deepest = 0;
  let inString = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i += 1; // backslash: skip the escaped character
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x7b || c === 0x5b) deepest = Math.max(deepest, ++depth);
    else if (c === 0x7d || c === 0x5d) depth -= 1;
  }
  return deepest;
}

/**
 * Parses a JSON body without ever turning an amount into a float, and refuses duplicate keys
 * (`{"amount":1,"amount":1000}` is ambiguous, so it is an error, not "the last one wins").
 */
export function parseJsonExact(raw: Buffer | string, invalidCode: string): ExactJson {
  const text = typeof raw === 'string' ? raw : raw.toString('utf8');
  if (nestingDepth(text) > MAX_DEPTH) {
    throw new ApiError(400, invalidCode, `request body is not valid JSON: nested deeper than ${MAX_DEPTH} levels`);
  }
  let tree: unknown;
  try {
    tree = parse(text);
  } catch (error) {
    const detail = error instanceof RangeError ? 'too deeply nested' : (error as Error).message;
    throw new ApiError(400, invalidCode, `request body is not valid JSON: ${detail}`);
  }
  const numberTexts = new Map<string, string>();
  collectNumberTexts(tree, '', numberTexts);
  return { value: toPlain(tree), numberTexts };
}

function collectNumberTexts(node: unknown, prefix: string, into: Map<string, string>): void {
  if (node === null || typeof node !== 'object' || Array.isArray(node) || isLosslessNumber(node)) return;
  for (const [key, child] of Object.entries(node)) {
    const path = prefix + key;
    if (isLosslessNumber(child)) into.set(path, (child as LosslessNumber).value);
    else collectNumberTexts(child, `${path}.`, into);
  }
}
