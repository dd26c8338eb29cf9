/**
 * The cached views of a record (`valuesOf`, `indexBy`, `withPrefix`) must always match the record:
 * `putOwn` clears them; fields they group by never change once stored.
 */
import { describe, expect, it } from 'vitest';
import { indexBy, positionsOf, putOwn, valuesOf, withPrefix } from './records';

type Row = { id: string; owner: string; role: string; note: string };
const row = (id: string, owner: string, role: string): Row => ({ id, owner, role, note: '' });

describe('cached record views', () => {
  it('follow every putOwn: a new entry, a replaced one, and "__proto__"', () => {
    const record: Record<string, Row> = {};
    putOwn(record, 'a', row('a', 'ada', 'group-member:x'));
    putOwn(record, 'b', row('b', 'bo', 'reader'));
    const first = valuesOf(record);
    expect(valuesOf(record)).toBe(first); // cached
    expect(Object.isFrozen(first)).toBe(true);
    expect(
      indexBy(record, 'owner')
        .get('ada')
        ?.map((r) => r.id),
    ).toEqual(['a']);
    expect(withPrefix(record, 'role', 'group-member:').map((r) => r.id)).toEqual(['a']);

    putOwn(record, 'c', row('c', 'ada', 'group-member:y'));
    expect(valuesOf(record).map((r) => r.id)).toEqual(['a', 'b', 'c']);
    expect(
      indexBy(record, 'owner')
        .get('ada')
        ?.map((r) => r.id),
    ).toEqual(['a', 'c']);
    expect(withPrefix(record, 'role', 'group-member:').map((r) => r.id)).toEqual(['a', 'c']);
    expect(positionsOf(record).get(record['c']!)).toBe(2);

    putOwn(record, 'a', row('a', 'cy', 'reader'));
    expect(
      indexBy(record, 'owner')
        .get('ada')
        ?.map((r) => r.id),
    ).toEqual(['c']);
    expect(
      indexBy(record, 'owner')
        .get('cy')
        ?.map((r) => r.id),
    ).toEqual(['a']);

    putOwn(record, '__proto__', row('__proto__', 'dee', 'reader'));
    expect(Object.getPrototypeOf(record)).toBe(Object.prototype);
    expect(
      indexBy(record, 'owner')
        .get('dee')
        ?.map((r) => r.id),
    ).toEqual(['__proto__']);
  });

  it('see in-place changes of fields they do not group by', () => {
    const record: Record<string, Row> = {};
    putOwn(record, 'a', row('a', 'ada', 'reader'));
    const [a] = indexBy(record, 'owner').get('ada')!;
    record['a']!.note = 'changed in place';
    expect(a!.note).toBe('changed in place');
    expect(valuesOf(record)[0]!.note).toBe('changed in place');
  });

  it('are kept apart per record object', () => {
    const one: Record<string, Row> = { a: row('a', 'ada', 'reader') };
    const two: Record<string, Row> = { b: row('b', 'ada', 'reader') };
    expect(
      indexBy(one, 'owner')
        .get('ada')
        ?.map((r) => r.id),
    ).toEqual(['a']);
    expect(
      indexBy(two, 'owner')
        .get('ada')
        ?.map((r) => r.id),
    ).toEqual(['b']);
  });
});
