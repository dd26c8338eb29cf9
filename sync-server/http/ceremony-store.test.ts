import { describe, expect, it } from 'vitest';
import { TestClock } from '../clock';
import { CeremonyStore } from './ceremony-store';

describe('CeremonyStore', () => {
  it('answers an item once, then never again', () => {
    const store = new CeremonyStore<string>(new TestClock(), 60_000);
    store.put('a', 'first');
    expect(store.take('a')).toEqual({ value: 'first', expired: false });
    expect(store.take('a')).toBeNull();
  });

  it('says an item expired once its TTL has passed, and forgets it', () => {
    const clock = new TestClock();
    const store = new CeremonyStore<string>(clock, 60_000);
    store.put('a', 'first');
    clock.advance(60_001);
    expect(store.take('a')).toEqual({ value: 'first', expired: true });
    expect(store.size).toBe(0);
  });

  it('keeps at most its cap, evicting the oldest first', () => {
    const store = new CeremonyStore<number>(new TestClock(), 60_000, 3);
    for (const [i, id] of ['a', 'b', 'c', 'd'].entries()) store.put(id, i);
    expect(store.size).toBe(3);
    expect(store.take('a')).toBeNull();
    expect(store.take('d')).toEqual({ value: 3, expired: false });
  });

  it('is per store: two relays in one process never see each other’s ceremonies', () => {
    const clock = new TestClock();
    const one = new CeremonyStore<string>(clock, 60_000);
    const two = new CeremonyStore<string>(clock, 60_000);
    one.put('a', 'mine');
    expect(two.take('a')).toBeNull();
    expect(one.take('a')?.value).toBe('mine');
  });
});
