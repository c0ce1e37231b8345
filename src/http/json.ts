import { ApiError } from './errors';

export interface ExactJson {
  /** The body with numbers as JS numbers, for schema validation. */
  value: unknown;
  /** The exact source text of each number in an object, by dotted path ("limits.betMax"), for money. */
  numberTexts: Map<string, string>;
}

/** No request of ours nests deeper than a few levels; deeper bodies are refused before any recursive work. */
const MAX_DEPTH = 32;

/** An open object (its keys so far, and the dotted path of its fields, or undefined below an array) or array. */
interface Container {
  keys: Set<string> | undefined;
  path: string | undefined;
}

interface Scan {
  deepest: number;
  /** The first key given twice in one object, if any (any value: a repeat is ambiguous). */
  repeatedKey: string | undefined;
  /** The source text of each number that is a field of an object reached through objects only. */
  numberTexts: Map<string, string>;
}

const QUOTE = 34;
const BACKSLASH = 92;
const isNumberStart = (c: number) => c === 45 || (c >= 48 && c <= 57); // '-' or a digit
const isNumberPart = (c: number) => isNumberStart(c) || c === 43 || c === 46 || c === 69 || c === 101; // + . E e

/** The dotted path of the field `key` of an object reached through objects only; undefined below an array. */
function fieldPath(inner: Container | undefined, key: string | undefined): string | undefined {
  return inner?.keys && inner.path !== undefined && key !== undefined ? inner.path + key : undefined;
}

/**
 * One pass over the body's text, beside JSON.parse (which turns numbers into floats): how deep it nests, the first
 * key given twice, and each number's exact text, so that an amount is never read from a float. It tolerates text
 * that is not JSON; JSON.parse refuses that.
 */
function scan(text: string): Scan {
  const open: Container[] = [];
  const numberTexts = new Map<string, string>();
  let deepest = 0;
  let repeatedKey: string | undefined;
  let expectKey = false;
  let key: string | undefined; // the key whose value comes next, in the innermost object
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    const inner = open[open.length - 1];
    if (c === QUOTE) {
      let end = i + 1;
      while (end < text.length && text.charCodeAt(end) !== QUOTE) end += text.charCodeAt(end) === BACKSLASH ? 2 : 1;
      if (expectKey && inner?.keys) {
        key = keyText(text.slice(i, end + 1));
        if (key !== undefined && inner.keys.has(key)) repeatedKey ??= key;
        else if (key !== undefined) inner.keys.add(key);
      }
      expectKey = false;
      i = end;
    } else if (c === 123 || c === 91) { // { [
      const field = fieldPath(inner, key);
      const path = inner === undefined ? '' : field === undefined ? undefined : `${field}.`;
      open.push(c === 123 ? { keys: new Set(), path } : { keys: undefined, path: undefined });
      deepest = Math.max(deepest, open.length);
      expectKey = c === 123;
    } else if (c === 125 || c === 93) open.pop(); // } ]
    else if (c === 44) expectKey = inner?.keys !== undefined; // ,
    else if (isNumberStart(c)) {
      let end = i + 1;
      while (end < text.length && isNumberPart(text.charCodeAt(end))) end += 1;
      const field = fieldPath(inner, key);
      if (field !== undefined) numberTexts.set(field, text.slice(i, end));
      i = end - 1;
    }
  }
  return { deepest, repeatedKey, numberTexts };
}

function keyText(token: string): string | undefined {
  if (!token.includes('\\')) return token.slice(1, -1);
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
  if (node === null || typeof node !== 'object') return false;
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
  const { deepest, repeatedKey, numberTexts } = scan(text);
  if (deepest > MAX_DEPTH) {
    throw new ApiError(400, invalidCode, `request body is not valid JSON: nested deeper than ${MAX_DEPTH} levels`);
  }
  let value: unknown;
  try {
    // JSON.parse makes a "__proto__" key a plain field (CreateDataProperty), never a prototype
    value = JSON.parse(text);
  } catch (error) {
    throw new ApiError(400, invalidCode, `request body is not valid JSON: ${(error as Error).message}`);
  }
  // NUL and surrogates reach a parsed string only as they are in the text, or escaped as \u
  if (unstorableText(text) || (text.includes('\\u') && holdsUnstorableText(value))) {
    throw new ApiError(400, invalidCode, 'request body holds NUL or half of a UTF-16 surrogate pair');
  }
  if (repeatedKey !== undefined) throw new ApiError(400, invalidCode, `request body is not valid JSON: the key "${repeatedKey}" appears twice`);
  return { value, numberTexts };
}
