import type { Database } from "../db/types";
import type { TraceQuery } from "./query";
import { searchTraces, type TraceView } from "./search";

// CSV export of a search, streamed page by page (keyset), never loaded whole into memory.

const columns: (keyof TraceView)[] = [
  "id", "sessionId", "sessionTag", "userId", "agentType", "model", "experimentName", "llmCalls",
  "inputTokens", "outputTokens", "totalTokens", "latencyMs", "status", "feedback", "feedbackComment", "createdAt", "updatedAt",
];

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  let s = String(value);
  // a cell that a spreadsheet would run as a formula is quoted as text
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function tracesCsv(db: Database, query: TraceQuery): ReadableStream<Uint8Array> {
  const encoder = new TextEncoder();
  let cursor: string | undefined = query.cursor;
  let started = false;
  let done = false;
  return new ReadableStream({
    async pull(controller) {
      if (!started) {
        started = true;
        controller.enqueue(encoder.encode(columns.join(",") + "\n"));
        return;
      }
      if (done) return controller.close();
      const page = await searchTraces(db, { ...query, cursor, limit: 200 });
      const lines = page.traces.map((t) => columns.map((c) => csvCell(t[c])).join(",")).join("\n");
      if (lines) controller.enqueue(encoder.encode(lines + "\n"));
      cursor = page.nextCursor ?? undefined;
      done = !page.nextCursor;
    },
  });
}
