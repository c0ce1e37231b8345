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
});
