import { describe, expect, it } from 'vitest';
import { ROLE_IDS } from '#domain/catalogue';
import type { Activation } from '#domain/model';
import { at, World } from '#domain/test-support';
import { activationPhase, isActivationActive, isActivationScheduled } from './status';

/** Grace, eligible for Security Reader, with one activation booked from at(30) to at(90). */
function booked(): Activation {
  const w = World.setUp();
  w.addUser('grace', 'Grace');
  w.assign('e1', 'grace', ROLE_IDS.SecurityReader, 'eligible');
  w.activate('act1', 'e1', 'grace', at(0), 60, at(30));
  const activation = w.state.activations['act1'];
  if (!activation) throw new Error('no activation');
  return activation;
}

describe('activation phase', () => {
  it('is scheduled before its start, active from it, and expired from its end', () => {
    const a = booked();
    expect(activationPhase(a, at(29))).toBe('scheduled');
    expect(activationPhase(a, at(30))).toBe('active');
    expect(activationPhase(a, at(89))).toBe('active');
    // Ended by time: expired at once, before the relay records ActivationExpired.
    expect(activationPhase(a, at(90))).toBe('expired');
  });

  it('agrees with isActivationActive and isActivationScheduled at every minute', () => {
    const a = booked();
    for (let minute = 0; minute <= 100; minute++) {
      const phase = activationPhase(a, at(minute));
      expect(phase === 'active').toBe(isActivationActive(a, at(minute)));
      expect(phase === 'scheduled').toBe(isActivationScheduled(a, at(minute)));
    }
  });

  it('says how an ended activation ended, whatever the time', () => {
    const a = booked();
    expect(activationPhase({ ...a, status: 'deactivated' }, at(40))).toBe('deactivated');
    expect(activationPhase({ ...a, status: 'expired' }, at(40))).toBe('expired');
  });
});
