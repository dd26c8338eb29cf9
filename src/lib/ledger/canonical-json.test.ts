import { describe, expect, it } from 'vitest';
import numbers from '../../../test/fixtures/ledger/jcs/rfc8785-appendix-b-numbers.json';
import values from '../../../test/fixtures/ledger/jcs/rfc8785-3.2.2-values.json';
import sorting from '../../../test/fixtures/ledger/jcs/rfc8785-3.2.3-sorting.json';
import { toHex, utf8 } from './bytes';
import { CanonicalJsonError, canonicalize } from './canonical-json';

/** The double with these IEEE 754 bits, as Appendix B lists them. */
function fromIeee754(hex: string): number {
  const view = new DataView(new ArrayBuffer(8));
  view.setBigUint64(0, BigInt(`0x${hex}`));
  return view.getFloat64(0);
}

describe('RFC 8785 vectors (test/fixtures/ledger/jcs)', () => {
  it('§3.2.2: canonicalises the sample of numbers, strings and literals', () => {
    const canonical = canonicalize(JSON.parse(values.input));
    expect(canonical).toBe(values.expected);
    // §3.2.4: the bytes that get hashed and signed.
    expect(toHex(utf8(canonical))).toBe(values.expectedUtf8Hex);
  });

  it('§3.2.3: sorts properties by UTF-16 code units', () => {
    const canonical = canonicalize(JSON.parse(sorting.input));
    expect(canonical).toBe(sorting.expected);
    // Object.keys would list "1" first (array-index keys), so read the order off the text.
    const positions = sorting.expectedKeyOrder.map((key) => canonical.indexOf(JSON.stringify(key)));
    expect(positions.every((at, i) => at > (positions[i - 1] ?? -1))).toBe(true);
    expect(toHex(utf8(canonical))).toBe(sorting.expectedUtf8Hex);
  });

  it.each(numbers.vectors)('Appendix B: $ieee754 → $expected', ({ ieee754, expected }) => {
    expect(canonicalize(fromIeee754(ieee754))).toBe(expected);
    expect(canonicalize([fromIeee754(ieee754)])).toBe(`[${expected}]`);
  });

  it.each(numbers.errors)('Appendix B: $ieee754 ($comment) is an error', ({ ieee754 }) => {
    expect(() => canonicalize(fromIeee754(ieee754))).toThrow(CanonicalJsonError);
  });

  it('canonical output is a fixed point', () => {
    for (const text of [values.expected, sorting.expected]) {
      expect(canonicalize(JSON.parse(text))).toBe(text);
    }
  });
});

describe('numbers (ECMAScript Number::toString, RFC 8785 §3.2.2.3)', () => {
  it.each([
    [0, '0'],
    [-0, '0'],
    [1, '1'],
    [-1, '-1'],
    [1e21, '1e+21'],
    [1e20, '100000000000000000000'],
    [1e-7, '1e-7'],
    [0.000001, '0.000001'],
    [333333333.3333333, '333333333.3333333'],
    [9007199254740991, '9007199254740991'],
    [-9007199254740991, '-9007199254740991'],
    [5e-324, '5e-324'],
    [1.7976931348623157e308, '1.7976931348623157e+308'],
    [0.1 + 0.2, '0.30000000000000004'],
  ])('%d → %s', (value, expected) => {
    expect(canonicalize(value)).toBe(expected);
  });
});

describe('strings (RFC 8785 §3.2.2.2)', () => {
  it('uses the short escapes, lowercase \\u00xx for other controls, and nothing else', () => {
    expect(canonicalize('\b\f\n\r\t"\\')).toBe('"\\b\\f\\n\\r\\t\\"\\\\"');
    expect(canonicalize('\u0000\u001f\u000b')).toBe('"\\u0000\\u001f\\u000b"');
    expect(canonicalize('/\u007f\u2028\u2029é€😀')).toBe('"/\u007f\u2028\u2029é€😀"');
  });

  it('rejects lone surrogates in values and keys, but keeps pairs', () => {
    expect(canonicalize('\ud83d\ude00')).toBe('"😀"');
    for (const bad of ['\ud800', '\udc00', 'a\ud83d', '\ude00\ud83d']) {
      expect(() => canonicalize(bad), JSON.stringify(bad)).toThrow(/lone surrogate/);
      expect(() => canonicalize({ [bad]: 1 }), JSON.stringify(bad)).toThrow(/lone surrogate/);
    }
  });
});

describe('structure', () => {
  it('writes nested arrays and objects without whitespace, sorting at every depth', () => {
    const value = {
      z: [3, [2, [1, []]], {}],
      a: { y: null, x: { b: true, a: false } },
      m: [{ d: 'd', c: 'c' }],
    };
    expect(canonicalize(value)).toBe(
      '{"a":{"x":{"a":false,"b":true},"y":null},"m":[{"c":"c","d":"d"}],"z":[3,[2,[1,[]]],{}]}',
    );
  });

  it('orders keys by UTF-16 code units, not code points or locale', () => {
    // U+1F600 is D83D DE00 in UTF-16, so it sorts before U+FB33 although its code point is larger.
    expect(canonicalize({ '\ufb33': 1, '\ud83d\ude00': 2 })).toBe('{"\ud83d\ude00":2,"\ufb33":1}');
    expect(canonicalize({ b: 1, aa: 2, a: 3, B: 4, _: 5 })).toBe(
      '{"B":4,"_":5,"a":3,"aa":2,"b":1}',
    );
    expect(canonicalize({ é: 1, f: 2, e: 3 })).toBe('{"e":3,"f":2,"é":1}');
  });

  it('does not depend on insertion order', () => {
    const forward = canonicalize({ a: 1, b: { c: 2, d: 3 } });
    expect(canonicalize({ b: { d: 3, c: 2 }, a: 1 })).toBe(forward);
  });

  it('accepts objects without a prototype', () => {
    const bare = Object.assign(Object.create(null) as Record<string, unknown>, { b: 1, a: 2 });
    expect(canonicalize(bare)).toBe('{"a":2,"b":1}');
  });
});

describe('values outside JSON', () => {
  it.each([
    ['NaN', Number.NaN],
    ['Infinity', Number.POSITIVE_INFINITY],
    ['-Infinity', Number.NEGATIVE_INFINITY],
    ['undefined', undefined],
    ['a function', () => 1],
    ['a symbol', Symbol('s')],
    ['a bigint', 1n],
    ['a Date', new Date(0)],
    ['a Map', new Map([['a', 1]])],
    ['a Set', new Set([1])],
    [
      'a class instance',
      new (class Point {
        x = 1;
      })(),
    ],
    ['a typed array', new Uint8Array(2)],
  ])('rejects %s', (_name, value) => {
    expect(() => canonicalize(value)).toThrow(CanonicalJsonError);
    expect(() => canonicalize({ nested: [value] })).toThrow(CanonicalJsonError);
  });

  it('rejects undefined members instead of dropping them as JSON.stringify does', () => {
    expect(() => canonicalize({ a: 1, b: undefined })).toThrow('$.b: undefined is not JSON');
  });

  it('rejects undefined and holes in arrays instead of writing null', () => {
    expect(() => canonicalize([1, undefined])).toThrow(CanonicalJsonError);
    // eslint-disable-next-line no-sparse-arrays
    expect(() => canonicalize([1, , 3])).toThrow(CanonicalJsonError);
  });

  it('names the path of the offending value', () => {
    expect(() => canonicalize({ cmd: { at: [0, Number.NaN] } })).toThrow(/^\$\.cmd\.at\[1\]: NaN/);
  });
});
