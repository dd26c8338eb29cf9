/**
 * The time on screen. It only re-renders: expiry is computed from it by the domain
 * (isActivationActive), so an activation disappears at its end time even offline.
 */
import { createContext } from 'svelte';
import type { Iso } from '#domain/model';

const isoOf = (ms: number): Iso => new Date(ms).toISOString();

export class Clock {
  now = $state(Date.now());
  readonly iso: Iso = $derived(isoOf(this.now));

  /** Ticks on each whole second; returns the cleanup for onMount. */
  start(): () => void {
    let timer: ReturnType<typeof setTimeout>;
    const tick = () => {
      this.now = Date.now();
      timer = setTimeout(tick, 1000 - (this.now % 1000) + 5);
    };
    tick();
    return () => clearTimeout(timer);
  }
}

const [getClock, setClockContext] = createContext<Clock>();

export const useClock = getClock;
export const setClock = setClockContext;
