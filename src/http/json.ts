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

/**
 * One pass over the body's text, before it is parsed: how deep it nests, and the first key given twice in one
 * object, if any (any value: a repeat is ambiguous). It tolerates text that is not JSON; the parser refuses that.
 */
function scanStructure(text: string): { deepest: number; repeatedKey: string | undefined } {
  const keys: (Set<string> | undefined)[] = []; // per open container: its keys (an object) or undefined (an array)
  let deepest = 0;
  let repeatedKey: string | undefined;
  let expectKey = false;
  for (let i = 0; i < text.length; i += 1) {
    const c = text[i];
    if (c === '"') {
      let end = i + 1;
      while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
      const scope = keys[keys.length - 1];
      if (expectKey && scope && repeatedKey === undefined) {
        const key = keyText(text.slice(i, end + 1));
        if (key !== undefined && scope.has(key)) repeatedKey = key;
        else if (key !== undefined) scope.add(key);
      }
      expectKey = false;
      i = end;
    } else if (c === '{' || c === '[') {
      keys.push(c === '{' ? new Set() : undefined);
      deepest = Math.max(deepest, keys.length);
      expectKey = c === '{';
    } else if (c === '}' || c === ']') keys.pop();
    else if (c === ',') expectKey = keys[keys.length - 1] !== undefined;
  }
  return { deepest, repeatedKey };
}

function keyText(token: string): string | undefined {
  try {
    return JSON.parse(token) as string;
  } catch {
    return undefined; // not a JSON string: the parser says why
  }
}

/** NUL, or half of a UTF-16 surrogate pair: text a database cannot keep as it was sent. */
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** Text that is not stored exactly as sent: NUL (refused by PostgreSQL) or a lone surrogate (stored as U+FFFD). */
export function unstorableText(text: string): boolean {
  return UNSTORABLE.test(text);
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Whether a parsed body or query holds unstorable text anywhere, in a key or a value. */
export function holdsUnstorableText(node: unknown): boolean {
  if (typeof node === 'string') return unstorableText(node);
  if (node === null || typeof node !== 'object' || isLosslessNumber(node)) return false;
  return Object.entries(node).some(([key, child]) => unstorableText(key) || holdsUnstorableText(child));
}

/**
 * Parses a JSON body without ever turning an amount into a float. It refuses what would not be kept exactly as
 * sent: bytes that are not UTF-8, NUL and lone surrogates anywhere (PostgreSQL refuses NUL and turns a lone
 * surrogate into U+FFFD, so two different ids would become one), and any key given twice in one object
 * (`{"amount":1,"amount":1000}` is ambiguous, and so is a repeat with the same value).
 */
export function parseJsonExact(raw: Buffer | string, invalidCode: string): ExactJson {
  let text: string;
  try {
    text = typeof raw === 'string' ? raw : utf8.decode(raw);
  } catch {
    throw new ApiError(400, invalidCode, 'request body is not valid UTF-8');
  }
  const { deepest, repeatedKey } = scanStructure(text);
  if (deepest > MAX_DEPTH) {
    throw new ApiError(400, invalidCode, `request body is not valid JSON: nested deeper than ${MAX_DEPTH} levels`);
  }
  let tree: unknown;
  try {
    tree = parse(text);
  } catch (error) {
    const detail = error instanceof RangeError ? 'too deeply nested' : (error as Error).message;
    throw new ApiError(400, invalidCode, `request body is not valid JSON: ${detail}`);
  }
  if (holdsUnstorableText(tree)) throw new ApiError(400, invalidCode, 'request body holds NUL or half of a UTF-16 surrogate pair');
  if (repeatedKey !== undefined) throw new ApiError(400, invalidCode, `request body is not valid JSON: the key "${repeatedKey}" appears twice`);
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
