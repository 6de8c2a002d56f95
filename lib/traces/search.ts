import type { z } from "zod";
import type { searchMatchSchema } from "../db/rpc/operators";
import type { TraceRow } from "../db/rpc/rows";
import type { Database } from "../db/types";
import { decodeCursor, encodeCursor } from "./cursor";
import type { TraceQuery } from "./query";
import { withVisitorRef } from "./visitor-filter";

// Trace search through search_traces(): rows in the API's shape and the next cursor.

export type { TraceRow } from "../db/rpc/rows";

export function traceView(t: TraceRow) {
  return {
    id: t.id,
    sessionId: t.session_id,
    sessionTag: t.session_tag,
    userId: t.user_id,
    channel: t.channel,
    agentType: t.agent_type,
    agentVersion: t.agent_version,
    model: t.model_key,
    modelName: t.model_name,
    experimentName: t.experiment_name,
    llmCalls: t.llm_calls,
    inputTokens: Number(t.input_tokens),
    outputTokens: Number(t.output_tokens),
    totalTokens: Number(t.total_tokens),
    latencyMs: Number(t.latency_ms),
    costUsd: Number(t.cost_usd),
    toolCalls: t.tool_calls,
    errorCount: t.error_count,
    toolsUsed: t.tools_used,
    votesUp: t.votes_up,
    votesDown: t.votes_down,
    feedback: t.feedback,
    feedbackComment: t.feedback_comment,
    commentsCount: t.comments_count,
    status: t.status,
    lastError: t.last_error,
    createdAt: t.created_at,
    updatedAt: t.updated_at,
  };
}

export type TraceView = ReturnType<typeof traceView>;

/** A row of the explorer: the trace, and its trace-level scores (name, source, author, value). */
export function searchRowView(t: TraceRow & { scores: { name: string; source: string; author: string; value: boolean | string | number }[]; match?: SearchMatch | null }) {
  return { ...traceView(t), scores: t.scores, match: t.match ? matchView(t.match) : null };
}

type SearchMatch = z.infer<typeof searchMatchSchema>;

/** The message (or tool step) a content search found: the words to highlight between \u0002 and \u0003 in `snippet`. */
function matchView(m: SearchMatch) {
  return { kind: m.kind, messageId: m.message_id, observationId: m.observation_id ?? null, role: m.role, name: m.name ?? null, snippet: m.snippet };
}

export type SearchRowView = ReturnType<typeof searchRowView>;

/** How search_traces read the search box (it alone knows the session-tag format): exact, contains or words. */
export type SearchMode = "exact" | "contains" | "words" | null;

export async function searchTraces(db: Database, query: TraceQuery): Promise<{ traces: SearchRowView[]; nextCursor: string | null; mode: SearchMode }> {
  const q = await withVisitorRef(db, query);
  if (!q) return { traces: [], nextCursor: null, mode: "exact" };
  const after = q.cursor ? decodeCursor(q.cursor, q.sort, q.dir) : null;
  const r = await db.rpc("search_traces", {
    p_session_tag: q.sessionTag,
    p_q: q.q,
    p_agent: q.agent,
    p_model: q.model,
    p_user_id: q.userId,
    p_feedback: q.feedback,
    p_from: q.from?.toISOString(),
    p_to: q.to?.toISOString(),
    p_sort: q.sort,
    p_dir: q.dir,
    p_after_value: after?.v,
    p_after_id: after?.i,
    p_limit: q.limit,
    p_tool: q.tool,
    p_has_error: q.hasError,
    p_min_cost: q.minCost,
    p_channel: q.channel,
    p_score: q.score,
    p_score_op: q.scoreOp,
    p_score_value: q.scoreValue,
  });
  const last = r.traces.at(-1);
  return {
    traces: r.traces.map(searchRowView),
    nextCursor: r.has_more && last ? encodeCursor({ s: q.sort, d: q.dir, v: last.sort_value, i: last.id }) : null,
    mode: r.mode,
  };
}
