import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { isAppError } from "@/lib/errors";
import { backends, databaseFor, openPostgres, type TestDatabase } from "../support/databases";
import { begin, finish, visitor, type Begun } from "./turn-helpers";

// Exactly once under concurrent duplicates (docs/rules.md, R7 and R8): the same request sent many
// times at once stores one question, one reply and one trace. The visitor lock serialises a
// visitor's turns, so its keys are what hold when the lock does not (a writer that skips it, a
// lock lost between instances): the second suite takes the lock out of begin_turn and requires the
// same outcome from the keys alone, so making `conversation_messages_client_id_per_user` or
// `conversation_sessions_one_active` non-unique fails here.

const copies = 20;

/** One visitor's turn sent `copies` times at once: begin, then finish with an answer. */
async function duplicates(t: TestDatabase, user: string, clientMessageId: string) {
  const settled = await Promise.allSettled(
    Array.from({ length: copies }, async () => {
      const r = await begin(t.db, user, { p_client_message_id: clientMessageId, p_message: "25 headlamps for pickup" });
      if (r.status === "started" || r.status === "resume") await finish(t.db, r.user_message.id, { p_content: "Noted: 25 headlamps." });
      return r;
    }),
  );
  const [counts] = await t.sql<{ questions: number; replies: number; sessions: number; traces: number; llm_calls: number }>(
    `select (select count(*)::int from conversation_messages where user_id = $1 and role = 'user') as questions,
            (select count(*)::int from conversation_messages where user_id = $1 and role = 'agent') as replies,
            (select count(*)::int from conversation_sessions where user_id = $1) as sessions,
            (select count(*)::int from llm_traces where user_id = $1) as traces,
            (select coalesce(sum(llm_calls), 0)::int from llm_traces where user_id = $1) as llm_calls`, [user]);
  return { settled, counts };
}

/** `copies` different first messages sent at once: into `sessionId` (opened before), or with no session (a new visitor's first). */
async function firstTurns(t: TestDatabase, user: string, sessionId?: string) {
  const settled = await Promise.allSettled(
    Array.from({ length: copies }, async (_, i) => {
      const r = await begin(t.db, user, { p_client_message_id: randomUUID(), p_message: `question ${i}`, ...(sessionId ? { p_session_id: sessionId } : {}) });
      if (r.status === "started" || r.status === "resume") await finish(t.db, r.user_message.id, { p_content: `answer ${i}` });
      return r;
    }),
  );
  const [counts] = await t.sql<{ sessions: number; traces: number; per_session: number; questions: number; unanswered: number; llm_calls: number }>(
    `select (select count(*)::int from conversation_sessions where user_id = $1) as sessions,
            (select count(*)::int from llm_traces where user_id = $1) as traces,
            (select coalesce(max(n), 0)::int from (select count(*) as n from llm_traces where user_id = $1 group by session_id) x) as per_session,
            (select count(*)::int from conversation_messages where user_id = $1 and role = 'user') as questions,
            (select count(*)::int from conversation_messages q where q.user_id = $1 and q.role = 'user'
                and not exists (select 1 from conversation_messages a where a.reply_to = q.id)) as unanswered,
            (select coalesce(sum(llm_calls), 0)::int from llm_traces where user_id = $1) as llm_calls`, [user]);
  return { settled, counts, stored: settled.filter((s) => s.status === "fulfilled").length };
}

describe.each(backends)("concurrent duplicate requests on $name", ({ open }) => {
  const t = databaseFor(open);

  it(`${copies} copies of a visitor's first message at once: one question, one reply, one session, one trace`, async () => {
    const u = visitor();
    const { settled, counts } = await duplicates(t, u, randomUUID());
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    const answered = settled.map((s) => (s as PromiseFulfilledResult<Begun>).value);
    expect(new Set(answered.map((r) => r.user_message.id)).size).toBe(1);
    expect(new Set(answered.map((r) => r.session.id)).size).toBe(1);
    // the one answer's generation, counted once (a duplicate finish counts nothing)
    expect(counts).toEqual({ questions: 1, replies: 1, sessions: 1, traces: 1, llm_calls: 1 });
  });

  it(`${copies} different first messages of a new visitor at once: one session with one trace, every message stored once and answered`, async () => {
    const { settled, counts } = await firstTurns(t, visitor());
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    expect(counts).toEqual({ sessions: 1, traces: 1, per_session: 1, questions: copies, unanswered: 0, llm_calls: copies });
  });

  it(`the first ${copies} messages of a session opened by a greeting, at once: still its one trace`, async () => {
    const u = visitor();
    const greeted = await begin(t.db, u, { p_agent: "order_assistant", p_message: null });
    const { settled, counts } = await firstTurns(t, u, greeted.session.id);
    expect(settled.filter((s) => s.status === "rejected")).toEqual([]);
    expect(counts).toEqual({ sessions: 1, traces: 1, per_session: 1, questions: copies, unanswered: 0, llm_calls: copies });
  });
});

describe("concurrent duplicate requests without the visitor lock, on PostgreSQL: the keys alone", () => {
  const t = databaseFor(async () => {
    const db = await openPostgres();
    // begin_turn's gate as it is, less its lock (the function is read back from the catalog)
    const [{ def }] = await db.sql<{ def: string }>("select pg_get_functiondef('private.turn_gate'::regproc) as def");
    expect(def).toContain("perform pg_advisory_xact_lock(");
    await db.sql(def.replace(/perform pg_advisory_xact_lock\([^;]*;/, "null; -- the lock taken out"));
    return db;
  });

  it(`${copies} copies of a first message at once store one question in one session with one trace; the others are refused or replayed`, async () => {
    const u = visitor();
    const { settled, counts } = await duplicates(t, u, randomUUID());
    // a copy that lost the race is refused by a key (409 conflict:database), never stored twice
    for (const s of settled) if (s.status === "rejected") expect(isAppError(s.reason) && s.reason.code).toBe("conflict:database");
    expect(settled.some((s) => s.status === "fulfilled")).toBe(true);
    expect(counts).toEqual({ questions: 1, replies: 1, sessions: 1, traces: 1, llm_calls: 1 });
  });

  // Without the lock a first message that read "no active session" before another's commit may end that
  // session when it starts its own (start_session ends the active one first), so the visitor can have
  // several sessions; the keys still allow one active session, one trace per session, nothing half-stored.
  it(`${copies} different first messages at once across connections: one active session, one trace per session; the others refused, none half-stored`, async () => {
    const u = visitor();
    const { settled, counts, stored } = await firstTurns(t, u);
    for (const s of settled) if (s.status === "rejected") expect(isAppError(s.reason) && s.reason.code).toBe("conflict:database");
    expect(stored).toBeGreaterThan(0);
    const [{ active }] = await t.sql<{ active: number }>(
      "select count(*)::int as active from conversation_sessions where user_id = $1 and is_active", [u]);
    expect(active).toBe(1);
    expect(counts.sessions).toBeGreaterThanOrEqual(1);
    expect(counts).toEqual({ sessions: counts.sessions, traces: counts.sessions, per_session: 1, questions: stored, unanswered: 0, llm_calls: stored });
  });
});
