import type { Database } from "../db/types";
import type { TraceQuery } from "./query";
import { searchTraces, type TraceView } from "./search";

// CSV export of a search, streamed page by page (keyset), never loaded whole into memory.

const columns: (keyof TraceView)[] = [
  "id", "sessionId", "sessionTag", "userId", "agentType", "agentVersion", "model", "experimentName", "llmCalls",
  "inputTokens", "outputTokens", "totalTokens", "latencyMs", "costUsd", "toolCalls", "errorCount", "toolsUsed",
  "votesUp", "votesDown", "status", "feedback", "feedbackComment", "createdAt", "updatedAt",
];

export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  // a list (tools used) is one cell, space-separated
  let s = Array.isArray(value) ? value.join(" ") : String(value);
  // a cell that a spreadsheet would run as a formula is quoted as text
  if (/^[=+\-@\t\r]/.test(s)) s = `'${s}`;
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * The first page is read before the response starts, so a bad cursor or an
 * unavailable database is a proper 4xx/503 instead of a 200 cut after the header row.
 */
export async function tracesCsv(db: Database, query: TraceQuery): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const rows = (page: Awaited<ReturnType<typeof searchTraces>>) =>
    page.traces.map((t) => columns.map((c) => csvCell(t[c])).join(",") + "\n").join("");
  let page = await searchTraces(db, { ...query, limit: 200 });
  let first = columns.join(",") + "\n" + rows(page);
  return new ReadableStream({
    async pull(controller) {
      if (first) {
        controller.enqueue(encoder.encode(first));
        first = "";
      } else if (page.nextCursor) {
        page = await searchTraces(db, { ...query, cursor: page.nextCursor, limit: 200 });
        const lines = rows(page);
        if (lines) controller.enqueue(encoder.encode(lines));
      }
      if (!page.nextCursor && !first) controller.close();
    },
  });
}
