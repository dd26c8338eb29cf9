import { describe, expect, it } from 'vitest';
import {
  JsonLimitError,
  MAX_JSON_DEPTH,
  assertJsonLimits,
  isWellFormedText,
  parseJsonWithLimits,
} from './json-limits';

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);

describe('JSON limits at the boundary', () => {
  it('tells well-formed text from text with a lone surrogate', () => {
    expect(isWellFormedText('plain, é, 😀')).toBe(true);
    expect(isWellFormedText('\ud83d\ude00')).toBe(true);
    expect(isWellFormedText('a\ud800')).toBe(false);
    expect(isWellFormedText('\udc00b')).toBe(false);
    expect(isWellFormedText('\ude00\ud83d')).toBe(false);
  });

  it('accepts nesting up to the limit and refuses one level more, naming the path', () => {
    expect(() => parseJsonWithLimits(nested(MAX_JSON_DEPTH))).not.toThrow();
    const error = (() => {
      try {
        parseJsonWithLimits(`{"a":{"b":${nested(MAX_JSON_DEPTH - 1)}}}`);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(JsonLimitError);
    expect(error).toMatchObject({ code: 'nesting-too-deep' });
    expect((error as JsonLimitError).path).toMatch(/^a\.b(\[0\])+$/);
  });

  it('refuses 100,000 levels without exhausting the stack', () => {
    expect(() => parseJsonWithLimits(nested(100_000))).toThrow(JsonLimitError);
  });

  it('refuses a lone surrogate in a value or in a key, naming where', () => {
    expect(() => assertJsonLimits({ list: ['ok', 'bad\ud800'] })).toThrow(
      /list\[1\] contains a lone surrogate/,
    );
    expect(() => assertJsonLimits({ outer: { ['k\udfff']: 1 } })).toThrow(
      /outer has a key with a lone surrogate/,
    );
    expect(() => parseJsonWithLimits('{"x":"\\ud800"}')).toThrow(JsonLimitError);
  });

  it('names odd keys in bracket form', () => {
    expect(() => assertJsonLimits({ 'a b': 'x\ud800' })).toThrow(/\["a b"\] contains/);
  });

  it('leaves numbers, booleans and null alone', () => {
    expect(() => assertJsonLimits([1, true, null, 'ok', { n: 2.5 }])).not.toThrow();
  });
});
