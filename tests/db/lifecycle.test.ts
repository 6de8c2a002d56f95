import { describe, expect, it, vi } from "vitest";
import { startMaintenance } from "@/lib/chat/maintenance";
import { log } from "@/lib/log";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";
import type { Tables } from "@/lib/db/database.types";

// lib/log.ts writes asynchronously (pino): the maintenance test reads what was logged, event and fields
vi.mock("@/lib/log", () => ({ log: vi.fn() }));

// Session lifecycle in SQL (docs/architecture.md, "Session lifecycle"): open flows carry over an
// idle expiry, idle sessions are closed by the maintenance job, every ending carries its figures.

interface Ending {
  session_id: string;
  user_id: string;
  event: string;
  reason: string;
  agent_type: string;
  duration_seconds: number;
  message_count: number;
  ended_at: string;
}

const openOrder = { status: "collecting", lines: [{ sku: "TRL-LAMP-1", quantity: 25 }] };

describe.each(backends)("session lifecycle on $name", ({ open }) => {
  const t = databaseFor(open);

  const age = (sessionId: string, idle = "2 days") =>
    t.sql(`update conversation_sessions set started_at = now() - interval '3 days', last_activity_at = now() - interval '${idle}' where id = $1`, [sessionId]);

  it("an open order carries over into the session that replaces an idle-expired one (and only then), with an event saying so", async () => {
    const u = visitor();
    const a = await begin(t.db, u, { p_agent: "order_assistant" });
    await finish(t.db, a.user_message.id, { p_flows: { bulk_order: openOrder, quiz: { status: "confirmed" } } });
    await age(a.session.id);
    const b = await begin(t.db, u, { p_session_id: a.session.id, p_message: "still there?" });
    expect(b).toMatchObject({ new_session: true, reason: "expired_previous", previous_session_id: a.session.id });
    // the open flow is in the new session (and in what the agent gets); the finished one is not
    expect(b.flows).toEqual({ bulk_order: openOrder });
    const [started] = await t.sql<{ detail: { carried_flows?: string[] } }>(
      "select detail from session_events where session_id = $1 and event = 'started'", [b.session.id]);
    expect(started.detail.carried_flows).toEqual(["bulk_order"]);
    // the old session keeps its own copy
    expect(await t.sql("select flow from flow_states where session_id = $1 order by flow", [a.session.id])).toEqual([{ flow: "bulk_order" }, { flow: "quiz" }]);

    // only an idle expiry carries flows: not an agent switch, not a session the visitor ended
    await finish(t.db, b.user_message.id);
    const c = await begin(t.db, u, { p_agent: "sales_pitch", p_session_id: b.session.id });
    expect(c).toMatchObject({ reason: "agent_switch", flows: {} });
    await finish(t.db, c.user_message.id, { p_flows: { bulk_order: openOrder } });
    await t.db.rpc("end_session", { p_user_id: u, p_session_id: c.session.id });
    const d = await begin(t.db, u, { p_session_id: c.session.id });
    expect(d).toMatchObject({ reason: "ended_previous", flows: {} });
    const carried = await t.sql<{ session_id: string }>(
      "select session_id from session_events where user_id = $1 and event = 'started' and detail ? 'carried_flows'", [u]);
    expect(carried).toEqual([{ session_id: b.session.id }]);
  });

  it("close_idle_sessions ends every session idle past the limit at its last activity, with one expired event and its figures", async () => {
    const users = [visitor(), visitor(), visitor(), visitor(), visitor()];
    const sessions = [];
    for (const u of users) {
      const r = await begin(t.db, u);
      await finish(t.db, r.user_message.id);
      sessions.push(r.session.id);
    }
    for (const id of sessions.slice(0, 4)) await age(id);
    // batches of 3: the four idle ones take two batches
    const result = await t.db.rpc("close_idle_sessions", { p_idle_minutes: 60, p_batch: 3 });
    const mine = result.sessions.filter((s) => users.includes(s.user_id));
    expect(mine.map((s) => s.session_id).sort()).toEqual(sessions.slice(0, 4).sort());
    expect(result.closed).toBe(result.sessions.length);
    for (const s of mine) {
      expect(s).toMatchObject({ event: "expired", reason: "idle", agent_type: "product_recommendation", message_count: 2 });
      // ended when last used: a day after it started
      expect(s.duration_seconds).toBeGreaterThanOrEqual(86_399);
      expect(s.duration_seconds).toBeLessThanOrEqual(86_401);
    }
    const rows = await t.sql<{ id: string; is_active: boolean; end_reason: string | null; ended_at_is_last_activity: boolean | null; events: number }>(
      `select s.id, s.is_active, s.end_reason, s.ended_at = s.last_activity_at as ended_at_is_last_activity,
              (select count(*)::int from session_events e where e.session_id = s.id and e.event = 'expired') as events
         from conversation_sessions s where s.id = any($1::uuid[]) order by s.id`, [sessions]);
    for (const r of rows) {
      if (r.id === sessions[4]) expect(r).toMatchObject({ is_active: true, end_reason: null, events: 0 });
      else expect(r).toMatchObject({ is_active: false, end_reason: "idle", ended_at_is_last_activity: true, events: 1 });
    }
    // a second run finds nothing of these left
    const again = await t.db.rpc("close_idle_sessions", { p_idle_minutes: 60 });
    expect(again.sessions.filter((s) => users.includes(s.user_id))).toEqual([]);
  });

  it("close_idle_sessions refuses a limit under one minute as bad input", async () => {
    await expect(t.db.rpc("close_idle_sessions", { p_idle_minutes: 0 })).rejects.toMatchObject({ code: "bad_request:maintenance", status: 400 });
  });

  it("after the job closed an idle session, the visitor's next message carries the open order over", async () => {
    const u = visitor();
    const a = await begin(t.db, u, { p_agent: "order_assistant" });
    await finish(t.db, a.user_message.id, { p_flows: { bulk_order: openOrder } });
    await age(a.session.id);
    await t.db.rpc("run_maintenance", { p_idle_minutes: 60 });
    const b = await begin(t.db, u, { p_session_id: a.session.id });
    expect(b).toMatchObject({ new_session: true, reason: "expired_previous", flows: { bulk_order: openOrder } });
  });

  it("run_maintenance forgets finished rate-limit windows and keeps the current one", async () => {
    const bucket = `chat:${visitor()}`;
    await t.sql(
      `insert into rate_limit_buckets (bucket, window_start, hits) values
         ($1, date_trunc('minute', now()) - interval '10 minutes', 5), ($1, date_trunc('minute', now()), 1)`, [bucket]);
    const run = await t.db.rpc("run_maintenance", { p_idle_minutes: 1440 });
    expect(run.rate_limit_windows_deleted).toBeGreaterThanOrEqual(1);
    const left = await t.sql<{ current: boolean }>("select window_start = date_trunc('minute', now()) as current from rate_limit_buckets where bucket = $1", [bucket]);
    expect(left).toEqual([{ current: true }]);
  });

  it("every ending a turn causes is reported with its figures: agent switch, idle, superseded", async () => {
    const u = visitor();
    const a = await begin(t.db, u, { p_agent: "product_recommendation" });
    await finish(t.db, a.user_message.id);
    const b = await begin(t.db, u, { p_agent: "sales_pitch", p_session_id: a.session.id, p_request_id: "req-switch" });
    const switched = await t.db.rpc("turn_endings", { p_session_id: b.session.id });
    expect(switched).toEqual([expect.objectContaining({
      session_id: a.session.id, user_id: u, event: "ended", reason: "agent_switch", agent_type: "product_recommendation", message_count: 2,
    })]);

    await age(b.session.id);
    const c = await begin(t.db, u, { p_session_id: b.session.id });
    const idle = await t.db.rpc("turn_endings", { p_session_id: c.session.id });
    expect(idle).toEqual([expect.objectContaining({ session_id: b.session.id, event: "expired", reason: "idle", message_count: 1 })]);
    expect(idle[0].duration_seconds).toBeGreaterThanOrEqual(86_399);

    // an old tab writes into the idle-expired session b while c is active: c is superseded
    await finish(t.db, c.user_message.id);
    const d = await begin(t.db, u, { p_session_id: b.session.id });
    expect(d.reason).toBe("expired_previous");
    const superseded = await t.db.rpc("turn_endings", { p_session_id: d.session.id });
    expect(superseded).toEqual([expect.objectContaining({ session_id: c.session.id, event: "ended", reason: "superseded", message_count: 2 })]);

    // an ending from an earlier transaction is not reported again
    await t.db.rpc("end_session", { p_user_id: u, p_session_id: d.session.id });
    const e = await begin(t.db, u, { p_session_id: d.session.id });
    expect(e.reason).toBe("ended_previous");
    expect(await t.db.rpc("turn_endings", { p_session_id: e.session.id })).toEqual([]);
  });

  it("a visitor's own end and a new chat return the ending with its figures, once", async () => {
    const u = visitor();
    const a = await begin(t.db, u);
    await finish(t.db, a.user_message.id);
    const ended = await t.db.rpc("end_session", {
      p_user_id: u, p_session_id: a.session.id, p_reason: "new_chat",
    });
    expect(ended.was_active).toBe(true);
    expect(ended.ending).toMatchObject({ session_id: a.session.id, event: "ended", reason: "new_chat", message_count: 2 });
    const again = await t.db.rpc("end_session", { p_user_id: u, p_session_id: a.session.id });
    expect(again).toMatchObject({ was_active: false, ending: null });
    await expect(t.db.rpc("end_session", { p_user_id: u, p_session_id: a.session.id, p_reason: "idle" }))
      .rejects.toMatchObject({ code: "bad_request:session", status: 400 });
    const [event] = await t.sql<{ detail: { message_count: number } }>("select detail from session_events where session_id = $1 and event = 'ended'", [a.session.id]);
    expect(event.detail.message_count).toBe(2);
  });

  it("without pg_cron in this database the app runs the job on its timer, and its first run closes idle sessions", async () => {
    const u = visitor();
    const a = await begin(t.db, u);
    await age(a.session.id);
    expect(await t.db.rpc("maintenance_scheduler")).toEqual({ scheduler: "app" });
    const spy = vi.mocked(log);
    spy.mockClear();
    const job = await startMaintenance(t.db, { intervalSeconds: 3600, idleMinutes: 60 });
    try {
      expect(job.scheduler).toBe("app");
      const run = await job.firstRun;
      expect(run?.sessions.map((s) => s.session_id)).toContain(a.session.id);
      const lines = spy.mock.calls.map(([event, fields]) => ({ event, ...fields }));
      expect(lines).toContainEqual(expect.objectContaining({
        event: "session.ended", sessionId: a.session.id, reason: "idle", durationSeconds: 86_400, messageCount: 1, by: "maintenance",
      }));
    } finally {
      job.stop();
    }
    const [row] = await t.sql<Pick<Tables<"conversation_sessions">, "end_reason">>("select end_reason from conversation_sessions where id = $1", [a.session.id]);
    expect(row.end_reason).toBe("idle");
  });
});
