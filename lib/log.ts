// One JSON line per event: {level, ts, event, ...fields}; errors on stderr, the rest on stdout.
// Written asynchronously by pino (sonic-boom): a turn does not wait for its log line to reach the
// pipe or file (docs/performance.md, "The turn-cost change"); what is buffered is flushed on exit.
import pino from "pino";

type Level = "info" | "warn" | "error";

const options: pino.LoggerOptions = {
  base: null,
  messageKey: "message",
  timestamp: () => `,"ts":"${new Date().toISOString()}"`,
  formatters: { level: (label) => ({ level: label }) },
};

let out: pino.Logger | null = null;
let err: pino.Logger | null = null;

function logger(level: Level): pino.Logger {
  if (level === "error") return (err ??= pino(options, pino.destination({ dest: 2, sync: false })));
  return (out ??= pino(options, pino.destination({ dest: 1, sync: false })));
}

/** A line a test took instead of letting it print (tests/support/logs.ts). */
export interface CapturedLog {
  level: Level;
  event: string;
  [field: string]: unknown;
}

let captured: CapturedLog[] | null = null;

/**
 * Tests that provoke warnings on purpose (an outage, a failing handler) take the lines here and
 * assert on them, so a green run's output stays clean. Until `release`, nothing is printed.
 */
export function captureLogs(): { lines: CapturedLog[]; release: () => void } {
  const lines: CapturedLog[] = [];
  captured = lines;
  return { lines, release: () => void (captured === lines && (captured = null)) };
}

export function log(event: string, fields: Record<string, unknown> = {}, level: Level = "info"): void {
  if (captured) captured.push({ ...fields, level, event });
  else logger(level)[level]({ event, ...fields });
}
