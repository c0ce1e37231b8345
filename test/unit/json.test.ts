import { ApiError, parseJsonExact } from '../../src/http';

const refused = (body: string | Buffer) => () => parseJsonExact(body, 'ERROR_BAD_REQUEST');

describe('request bodies are taken exactly as sent, or refused', () => {
  it.each([
    ['a key given twice with different values', '{"amount":1,"amount":1000}'],
    ['a key given twice with the same value', '{"amount":1,"x":{"a":1},"amount":1}'],
    ['a key given twice in a nested object', '{"limits":{"betMax":"5","betMax":"5"}}'],
    ['NUL in a value', '{"playerId":"a\\u0000b"}'],
    ['NUL in a key', '{"a\\u0000":1}'],
    ['a lone high surrogate', '{"transactionId":"lone-\\ud800-X"}'],
    ['a lone low surrogate', '{"transactionId":"lone-\\udc00-X"}'],
  ])('%s is a 400', (_name, body) => {
    expect(refused(body)).toThrow(ApiError);
  });

  it('bytes that are not UTF-8 are a 400, never replaced', () => {
    expect(refused(Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xff, 0x22, 0x7d]))).toThrow(/not valid UTF-8/);
  });

  it('a real surrogate pair, an escaped quote in a key and the same key in two objects are fine', () => {
    const { value } = parseJsonExact('{"emoji":"\\ud83d\\ude00","a\\"b":1,"x":{"k":1},"y":{"k":2},"list":[{"k":1},{"k":1}]}', 'ERROR_BAD_REQUEST');
    expect(value).toEqual({ emoji: '😀', 'a"b': 1, x: { k: 1 }, y: { k: 2 }, list: [{ k: 1 }, { k: 1 }] });
  });

  it('each number of an object keeps its exact text by dotted path, beside its value as a number', () => {
    const { value, numberTexts } = parseJsonExact(
      '{"amount": 1.10, "limits": {"betMax": 1e2, "note": "2.5"}, "list": [{"k": 5}, 7], "big": 123456789012345678901234567890}', 'ERROR_BAD_REQUEST');
    expect(value).toEqual({ amount: 1.1, limits: { betMax: 100, note: '2.5' }, list: [{ k: 5 }, 7], big: 1.2345678901234568e29 });
    // numbers inside arrays are never an amount field: they are not kept
    expect([...numberTexts]).toEqual([['amount', '1.10'], ['limits.betMax', '1e2'], ['big', '123456789012345678901234567890']]);
  });

  it('a "__proto__" key is a plain field, never the prototype', () => {
    const { value } = parseJsonExact('{"__proto__": {"admin": true}}', 'ERROR_BAD_REQUEST');
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect((value as Record<string, unknown>).admin).toBeUndefined();
    expect(Object.keys(value as object)).toEqual(['__proto__']);
  });
});
