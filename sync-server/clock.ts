/** The relay's only source of time. Tests inject a clock they can move forward. */
export interface Clock {
  now(): number;
  /** Called after the clock jumps (test clock only), so due work runs at once. */
  onJump(listener: () => void): void;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  onJump: () => {},
};

/** Real time plus an offset that only ever grows; enabled with LEASEHOLD_TEST_CLOCK=1. */
export class TestClock implements Clock {
  #offset = 0;
  #listeners: (() => void)[] = [];

  now(): number {
    return Date.now() + this.#offset;
  }

  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError('the test clock only moves forward');
    this.#offset += ms;
    for (const listener of this.#listeners) listener();
    return this.now();
  }

  onJump(listener: () => void): void {
    this.#listeners.push(listener);
  }
}

export const isoAt = (ms: number): string => new Date(ms).toISOString();
