/**
 * `/api/test/clock`: read and move the relay's clock, for browser tests of expiry. Exists only
 * when the relay was started with a TestClock (LEASEHOLD_TEST_CLOCK=1); otherwise 404.
 */
import { isoAt } from '../clock';
import { HttpError } from './http-errors';
import type { GetRoutes, PostRoutes, RouteContext } from './route';

function requireTestClock({ testClock }: RouteContext): { advance(ms: number): number } {
  if (!testClock) throw new HttpError(404, 'not-found', 'No such endpoint.');
  return testClock;
}

export const testClockGetRoutes: Pick<GetRoutes, '/api/test/clock'> = {
  '/api/test/clock': async (ctx) => {
    requireTestClock(ctx);
    return { now: ctx.relay.now() };
  },
};

export const testClockPostRoutes: Pick<PostRoutes, '/api/test/clock'> = {
  /** Moves the clock forward and answers once the due work it caused has been recorded. */
  '/api/test/clock': async (ctx, body) => {
    const clock = requireTestClock(ctx);
    const advanceMs = body.advanceMs;
    if (typeof advanceMs !== 'number' || !Number.isInteger(advanceMs) || advanceMs < 0)
      throw new HttpError(
        400,
        'invalid-request',
        '"advanceMs" must be a non-negative whole number.',
      );
    const now = clock.advance(advanceMs);
    await new Promise((r) => setTimeout(r, 20));
    await ctx.relay.pipeline.drain();
    return { now: isoAt(now) };
  },
};
