/**
 * The time budget of a scan: when the time left for the run falls below a
 * reserve, no new repository is started (the ones in flight finish), so the
 * rest of the run still has time to send the digest.
 */

export interface TimeBudget {
  /** True while new work may start. */
  canStart(): boolean;
  readonly reserveMs: number;
}

/** Reserve kept for the stages after the scan when none is given: a quarter of the time, at most a minute. */
export function defaultReserveMs(remainingAtStartMs: number): number {
  return Math.max(0, Math.min(60_000, Math.floor(remainingAtStartMs / 4)));
}

export function timeBudget(remainingTimeMs?: () => number, reserveMs?: number): TimeBudget {
  if (!remainingTimeMs) return { canStart: () => true, reserveMs: 0 };
  const reserve = reserveMs ?? defaultReserveMs(remainingTimeMs());
  return { canStart: () => remainingTimeMs() > reserve, reserveMs: reserve };
}
