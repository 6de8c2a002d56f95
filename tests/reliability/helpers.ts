import { execFileSync } from "node:child_process";
import pg from "pg";
import { signVisitor } from "@/lib/http/visitor-cookie";

// Small helpers shared by the reliability suite (the servers and databases come from tests/support).

export { seededRandom, seededUuid } from "../support/seeded-random";

/** The `cookie` header value of a visitor whose id we choose, signed like the server would. */
export function visitorCookieFor(id: string, secret: string): string {
  return `tl_visitor=${signVisitor(id, secret)}`;
}

/** One line the suite's summary (docs/reliability.md) is built from. */
export function figure(text: string): void {
  console.log(`FIGURE: ${text}`);
}

export const appTables = [
  "llm_models",
  "agents",
  "agent_tools",
  "agent_versions",
  "llm_observations",
  "conversation_sessions",
  "conversation_messages",
  "llm_traces",
  "session_events",
  "session_tag_counters",
  "flow_states",
  "products",
  "app_settings",
  "rate_limit_buckets",
  "privacy_settings",
  "otlp_outbox",
  "erasures",
  "operator_sessions",
  "dashboard_rollup",
  "dashboard_visitor_days",
  "dashboard_visitors",
  "dashboard_visitor_gaps",
  "whatsapp_inbox",
  "whatsapp_outbox",
  "voice_messages",
  "dashboard_channel_rollup",
  "audio_deletions",
  "retention_settings",
  "maintenance_settings",
  "whatsapp_contacts",
  "score_configs",
  "scores",
  "trace_comments",
  "dashboard_score_rollup",
  "evaluators",
  "agent_evaluators",
  "evaluation_jobs",
  "datasets",
  "dataset_items",
  "experiments",
  "experiment_items",
  "review_queues",
  "review_queue_configs",
  "review_queue_items",
  "retired_visitors",
] as const;

export type TableCounts = Record<(typeof appTables)[number], number>;

export async function tableCounts(db: pg.Pool | pg.Client): Promise<TableCounts> {
  const sql = `select ${appTables.map((t) => `(select count(*)::int from public.${t}) as ${t}`).join(", ")}`;
  return (await db.query(sql)).rows[0] as TableCounts;
}

/** Rows of `supabase/verify.sql` run through psql -f, as {check, object, ok, detail}. */
export function runVerifySql(url: string): { check: string; object: string; ok: boolean; detail: string }[] {
  const out = execFileSync("psql", [url, "-X", "-v", "ON_ERROR_STOP=1", "-A", "-t", "-F", "|", "-f", "supabase/verify.sql"], { encoding: "utf8" });
  return out
    .trim()
    .split("\n")
    .map((line) => line.split("|"))
    .map(([check, object, ok, detail]) => ({ check, object, ok: ok === "t", detail }));
}

/**
 * Consistency of everything the chat turn writes, whatever was interrupted:
 * each count must be 0. Shared by the crash, outage and load tests.
 */
export async function invariantViolations(db: pg.Pool | pg.Client): Promise<Record<string, number>> {
  const { rows } = await db.query(`select
    (select count(*)::int from (select user_id, channel from conversation_sessions where is_active group by 1, 2 having count(*) > 1) d) as two_active_sessions,
    (select count(*)::int from conversation_sessions s where s.tracking_enabled and (select count(*) from llm_traces t where t.session_id = s.id) <> 1) as tracked_without_one_trace,
    (select count(*)::int from conversation_sessions s where not s.tracking_enabled and exists (select 1 from llm_traces t where t.session_id = s.id)) as untracked_with_trace,
    (select count(*)::int from llm_traces t join conversation_sessions s on s.id = t.session_id where t.session_tag <> s.session_tag or t.user_id <> s.user_id) as trace_session_mismatch,
    (select count(*)::int from conversation_sessions s where not exists (select 1 from session_events e where e.session_id = s.id and e.event = 'started')) as sessions_without_started_event,
    (select count(*)::int from conversation_messages m where m.role = 'agent' and (case when m.reply_to is null then coalesce(m.metadata ->> 'kind', '') <> 'greeting' else not exists (select 1 from conversation_messages q where q.id = m.reply_to and q.role = 'user' and q.session_id = m.session_id) end)) as orphan_replies,
    (select count(*)::int from (select user_id, client_message_id from conversation_messages where client_message_id is not null group by 1, 2 having count(*) > 1) d) as duplicate_client_ids,
    (select count(*)::int from llm_traces t where t.llm_calls <> (select count(*) from llm_observations o where o.trace_id = t.id and o.kind = 'generation')) as llm_calls_not_generations,
    (select count(*)::int from (select user_id, session_tag from conversation_sessions group by 1, 2 having count(*) > 1) d) as duplicate_tags,
    (select count(*)::int from session_tag_counters c where c.last_value <> (select count(*) from conversation_sessions s where s.user_id = c.user_id and s.model_id = c.model_id)) as tag_counter_gaps`);
  return rows[0] as Record<string, number>;
}

export const noViolations = {
  two_active_sessions: 0,
  tracked_without_one_trace: 0,
  untracked_with_trace: 0,
  trace_session_mismatch: 0,
  sessions_without_started_event: 0,
  orphan_replies: 0,
  duplicate_client_ids: 0,
  llm_calls_not_generations: 0,
  duplicate_tags: 0,
  tag_counter_gaps: 0,
};

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Polls `check` until it returns a value (not undefined) or the time is up. */
export async function until<T>(check: () => Promise<T | undefined>, timeoutMs: number, everyMs = 100): Promise<T | undefined> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await check().catch(() => undefined);
    if (v !== undefined) return v;
    if (Date.now() > end) return undefined;
    await sleep(everyMs);
  }
}
