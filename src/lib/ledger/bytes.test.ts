import { describe, expect, it } from 'vitest';
import {
  Base64Error,
  concatBytes,
  equalBytes,
  fromBase64,
  fromBase64Url,
  fromHex,
  fromUtf8,
  randomId,
  sha256,
  toBase64,
  toBase64Url,
  toHex,
  utf8,
} from './bytes';

// RFC 4648 §10 test vectors.
const RFC4648: [string, string][] = [
  ['', ''],
  ['f', 'Zg=='],
  ['fo', 'Zm8='],
  ['foo', 'Zm9v'],
  ['foob', 'Zm9vYg=='],
  ['fooba', 'Zm9vYmE='],
  ['foobar', 'Zm9vYmFy'],
];

/**
 * Base64 the slow, obvious way: the bytes as one bit string cut into sextets
 * (RFC 4648 §4), so the reference shares no code or trick with bytes.ts.
 */
function referenceBase64(bytes: Uint8Array, alphabet: string, pad: boolean): string {
  const bits = Array.from(bytes, (b) => b.toString(2).padStart(8, '0')).join('');
  let out = '';
  for (let i = 0; i < bits.length; i += 6) {
    out += alphabet[parseInt(bits.slice(i, i + 6).padEnd(6, '0'), 2)];
  }
  return pad ? out.padEnd(Math.ceil(out.length / 4) * 4, '=') : out;
}
const STD = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const URL_SAFE = STD.slice(0, 62) + '-_';

/** Deterministic bytes, so a failure can be replayed. */
function bytesOf(length: number, seed: number): Uint8Array {
  let x = (seed + 1) >>> 0;
  return Uint8Array.from({ length }, () => {
    // xorshift32
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    return x & 0xff;
  });
}

describe('base64 (RFC 4648 §4)', () => {
  it.each(RFC4648)('encodes %j as %j and back', (text, encoded) => {
    expect(toBase64(utf8(text))).toBe(encoded);
    expect(fromUtf8(fromBase64(encoded))).toBe(text);
  });

  it('uses "+" and "/" for 62 and 63', () => {
    expect(toBase64(fromHex('fbff'))).toBe('+/8=');
    expect(toHex(fromBase64('+/8='))).toBe('fbff');
  });

  it('matches the reference and round-trips for every length 0..100', () => {
    for (let length = 0; length <= 100; length++) {
      const bytes = bytesOf(length, length);
      const encoded = toBase64(bytes);
      expect(encoded, `length ${length}`).toBe(referenceBase64(bytes, STD, true));
      expect(toHex(fromBase64(encoded)), `length ${length}`).toBe(toHex(bytes));
    }
  });

  it('accepts missing padding, as documented', () => {
    expect(fromUtf8(fromBase64('Zg'))).toBe('f');
    expect(fromUtf8(fromBase64('Zm8'))).toBe('fo');
  });

  it.each([
    ['a character outside the alphabet', 'Zm9v!'],
    ['whitespace', 'Zm9v Yg=='],
    ['a newline', 'Zm9v\n'],
    ['padding in the middle', 'Zg==Zm8='],
    ['a non-ASCII letter', 'Zm9é'],
    ['an impossible length', 'Zm9vY'],
    ['a lone character', 'Z'],
  ])('rejects %s', (_name, text) => {
    expect(() => fromBase64(text)).toThrow(Base64Error);
  });
});

describe('base64url (RFC 4648 §5)', () => {
  it.each(RFC4648)('encodes %j without padding', (text, encoded) => {
    expect(toBase64Url(utf8(text))).toBe(encoded.replace(/=+$/, ''));
    expect(fromUtf8(fromBase64Url(encoded.replace(/=+$/, '')))).toBe(text);
  });

  it('uses "-" and "_" for 62 and 63', () => {
    expect(toBase64Url(fromHex('fbff'))).toBe('-_8');
    expect(toHex(fromBase64Url('-_8'))).toBe('fbff');
  });

  it('matches the reference and round-trips for every length 0..100', () => {
    for (let length = 0; length <= 100; length++) {
      const bytes = bytesOf(length, 1000 + length);
      const encoded = toBase64Url(bytes);
      expect(encoded, `length ${length}`).toBe(referenceBase64(bytes, URL_SAFE, false));
      expect(toHex(fromBase64Url(encoded)), `length ${length}`).toBe(toHex(bytes));
    }
  });

  it('rejects junk', () => {
    for (const text of ['ab$d', 'a.bc', 'abcde']) {
      expect(() => fromBase64Url(text), text).toThrow(Base64Error);
    }
  });
});

describe('hex', () => {
  it('round-trips every byte value', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const hex = toHex(all);
    expect(hex.slice(0, 8)).toBe('00010203');
    expect(hex.slice(-4)).toBe('feff');
    expect(toHex(fromHex(hex))).toBe(hex);
    expect(toHex(fromHex(hex.toUpperCase()))).toBe(hex);
  });

  it('rejects odd lengths and non-hex characters', () => {
    for (const text of ['0', 'abc', '0g', 'zz', ' 00', '0x00']) {
      expect(() => fromHex(text), text).toThrow(/not a hex string/);
    }
    expect(fromHex('')).toHaveLength(0);
  });
});

describe('equalBytes and concatBytes', () => {
  it('compares length and every byte', () => {
    const a = fromHex('00112233');
    expect(equalBytes(a, fromHex('00112233'))).toBe(true);
    expect(equalBytes(a, fromHex('00112234'))).toBe(false);
    expect(equalBytes(a, fromHex('10112233'))).toBe(false);
    expect(equalBytes(a, fromHex('001122'))).toBe(false);
    expect(equalBytes(a, fromHex('0011223300'))).toBe(false);
    expect(equalBytes(new Uint8Array(0), new Uint8Array(0))).toBe(true);
  });

  it('concatenates in order, including empty parts', () => {
    expect(toHex(concatBytes(fromHex('01'), new Uint8Array(0), fromHex('0203')))).toBe('010203');
    expect(concatBytes()).toHaveLength(0);
  });
});

describe('utf8 and sha256', () => {
  it('encodes UTF-8 and refuses to decode invalid UTF-8', () => {
    expect(toHex(utf8('é€😀'))).toBe('c3a9e282acf09f9880');
    expect(() => fromUtf8(fromHex('c3'))).toThrow();
    expect(() => fromUtf8(fromHex('ff'))).toThrow();
  });

  it('hashes the FIPS 180-2 "abc" and empty inputs', async () => {
    expect(toHex(await sha256(utf8('abc')))).toBe(
      'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad',
    );
    expect(toHex(await sha256(new Uint8Array(0)))).toBe(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('hashes only the bytes a subarray views', async () => {
    const whole = utf8('xxabcxx');
    expect(toHex(await sha256(whole.subarray(2, 5)))).toBe(toHex(await sha256(utf8('abc'))));
  });
});

describe('randomId', () => {
  it('is base64url of n random bytes', () => {
    expect(randomId()).toMatch(/^[A-Za-z0-9_-]{22}$/);
    expect(fromBase64Url(randomId(32))).toHaveLength(32);
    expect(randomId()).not.toBe(randomId());
  });
});
