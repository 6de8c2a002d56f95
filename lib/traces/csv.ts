import type { Database } from "../db/types";
import type { TraceQuery } from "./query";
import { searchTraces, type SearchRowView } from "./search";

// CSV export of a search, streamed page by page (keyset), never loaded whole into memory.

const columns: (keyof SearchRowView)[] = [
  "id", "sessionId", "sessionTag", "userId", "channel", "agentType", "agentVersion", "model", "experimentName", "llmCalls",
  "inputTokens", "outputTokens", "totalTokens", "latencyMs", "costUsd", "toolCalls", "errorCount", "toolsUsed",
  "votesUp", "votesDown", "status", "feedback", "feedbackComment", "commentsCount", "scores", "createdAt", "updatedAt",
];

/** The trace-level scores in one cell: `name source author=value`, separated by ` | `. */
function scoresCell(scores: SearchRowView["scores"]): string {
  return scores.map((s) => `${s.name} ${s.source} ${s.author}=${String(s.value)}`).join(" | ");
}

/**
 * One CSV cell. Numbers stay bare; every text cell is quoted, and each piece of it a
 * spreadsheet might read as its own cell (split on `;`, tab or a line break, which
 * `;`-delimited imports use) is kept from starting a formula with a leading `'`.
 */
export function csvCell(value: unknown): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number" || typeof value === "bigint") return String(value);
  // a list (tools used) is one cell, space-separated
  const text = (Array.isArray(value) ? value.join(" ") : value instanceof Date ? value.toISOString() : String(value)).replace(/(^|[;\t\r\n])(\s*)(?=[=+\-@\t\r])/g, "$1$2'");
  return `"${text.replace(/"/g, '""')}"`;
}

/**
 * The first page is read before the response starts, so a bad cursor or an
 * unavailable database is a proper 4xx/503 instead of a 200 cut after the header row.
 */
async function tracesCsv(db: Database, query: TraceQuery): Promise<ReadableStream<Uint8Array>> {
  const encoder = new TextEncoder();
  const rows = (page: Awaited<ReturnType<typeof searchTraces>>) =>
    page.traces.map((t) => columns.map((c) => csvCell(c === "scores" ? scoresCell(t.scores) : t[c])).join(",") + "\n").join("");
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

/** GET /api/traces/export: the search as a CSV attachment named after the current time. */
export async function tracesCsvResponse(db: Database, query: TraceQuery): Promise<Response> {
  const name = `traces-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.csv`;
  return new Response(await tracesCsv(db, query), {
    headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"` },
  });
}
