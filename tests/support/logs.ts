import { onTestFinished } from "vitest";
import { captureLogs, type CapturedLog } from "@/lib/log";

// Expected warnings are asserted, not printed (docs/architecture.md, "Expected warnings in tests"): a fault test takes
// the app's log lines for its own duration and checks the ones it provoked.

export function expectLogs(): { lines: CapturedLog[]; events: () => string[] } {
  const capture = captureLogs();
  onTestFinished(capture.release);
  return { lines: capture.lines, events: () => capture.lines.map((l) => `${l.level}:${l.event}`) };
}
