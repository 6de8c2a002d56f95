// The high-resolution clock the steps of a turn are timed with (docs/architecture.md, "Observations"):
// epoch milliseconds with a fraction, so a step that takes microseconds keeps them (a span of
// exactly 0 ms would be a rounding, not a measurement).

/** Now, in epoch milliseconds with a fraction (microsecond resolution). */
export const preciseNow = (): number => performance.timeOrigin + performance.now();

/** Epoch milliseconds (with a fraction) as an ISO timestamp with microseconds, as timestamptz keeps them. */
export function isoMicros(ms: number): string {
  const whole = Math.floor(ms);
  const micros = Math.min(999, Math.floor((ms - whole) * 1000));
  return new Date(whole).toISOString().replace("Z", `${String(micros).padStart(3, "0")}Z`);
}
