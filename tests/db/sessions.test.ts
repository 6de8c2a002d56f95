import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";
import type { Tables } from "@/lib/db/database.types";

// The rule codes in the test names (R1–R11, T1–T3) are defined in docs/rules.md.

describe.each(backends)("session rules on $name", ({ open }) => {
  const t = databaseFor(open);

  it("R1: a first message starts a session with its trace and stores the message", async () => {
    const u = visitor();
    const r = await begin(t.db, u, { p_agent: "sales_pitch" });
    expect(r).toMatchObject({ status: "started", new_session: true, reason: "first_message" });
    expect(r.session.agent_type).toBe("sales_pitch");
    const [trace] = await t.sql<{ session_tag: string; user_id: string; agent_type: string }>(
      "select session_tag, user_id, agent_type from llm_traces where session_id = $1", [r.session.id]);
    expect(trace).toEqual({ session_tag: r.session.session_tag, user_id: u, agent_type: "sales_pitch" });
    const msgs = await t.sql("select role, content from conversation_messages where session_id = $1", [r.session.id]);
    expect(msgs).toEqual([{ role: "user", content: "hello" }]);
    const events = await t.sql("select event, reason from session_events where session_id = $1", [r.session.id]);
    expect(events).toEqual([{ event: "started", reason: "first_message" }]);
  });

  it("last_activity_at is the visitor's last message: begin_turn sets it, the reply (finish_turn) writes no session row, a regenerate sets it", async () => {
    const u = visitor();
    const activity = async (id: string) =>
      (await t.sql<{ at: string; updates: string }>("select last_activity_at::text as at, xmin::text as updates from conversation_sessions where id = $1", [id]))[0];
    const a = await begin(t.db, u);
    await finish(t.db, a.user_message.id, { p_content: "hi" });
    const b = await begin(t.db, u, { p_message: "more" });
    const [q] = await t.sql<{ at: string }>("select created_at::text as at from conversation_messages where id = $1", [b.user_message.id]);
    const asked = await activity(b.session.id);
    expect(asked.at).toBe(q.at); // the question's transaction
    const done = await finish(t.db, b.user_message.id, { p_content: "an answer" });
    // the reply's transaction left the session row as it was (same version, same time)
    expect(await activity(b.session.id)).toEqual(asked);
    const again = await begin(t.db, u, { p_message: null, p_action: { id: "regenerate", payload: { messageId: done.reply.id } } });
    expect(again.status).toBe("resume");
    expect((await activity(b.session.id)).updates).not.toBe(asked.updates);
  });

  it("R1: with no agent chosen the default agent is used", async () => {
    const r = await begin(t.db, visitor(), { p_default_agent: "order_assistant" });
    expect(r.session.agent_type).toBe("order_assistant");
  });

  it("R2/R3: later messages continue the active session, with or without its id", async () => {
    const u = visitor();
    const a = await begin(t.db, u);
    const b = await begin(t.db, u, { p_message: "more" });
    const c = await begin(t.db, u, { p_session_id: a.session.id, p_message: "and more" });
    expect([b.session.id, c.session.id]).toEqual([a.session.id, a.session.id]);
    expect([b.new_session, c.new_session]).toEqual([false, false]);
    expect(c.history.map((m) => m.content)).toEqual(["hello", "more", "and more"]);
  });

  it("R4: another agent ends the session with a duration and starts a new session and trace", async () => {
    const u = visitor();
    const a = await begin(t.db, u, { p_agent: "product_recommendation" });
    const same = await begin(t.db, u, { p_agent: "product_recommendation" });
    expect(same.session.id).toBe(a.session.id);
    const b = await begin(t.db, u, { p_agent: "sales_pitch", p_session_id: a.session.id });
    expect(b).toMatchObject({ new_session: true, reason: "agent_switch", previous_session_id: a.session.id });
    const [old] = await t.sql<{ is_active: boolean; ended_at: Date | null; duration_seconds: number | null; end_reason: string }>(
      "select is_active, ended_at, duration_seconds, end_reason from conversation_sessions where id = $1", [a.session.id]);
    expect(old.is_active).toBe(false);
    expect(old.ended_at).not.toBeNull();
    expect(old.duration_seconds).toBeGreaterThanOrEqual(0);
    expect(old.end_reason).toBe("agent_switch");
    const traces = await t.sql<Pick<Tables<"llm_traces">, "session_id">>("select session_id from llm_traces where user_id = $1 order by created_at", [u]);
    expect(traces.map((x) => x.session_id)).toEqual([a.session.id, b.session.id]);
    const events = await t.sql<Pick<Tables<"session_events">, "event">>("select event from session_events where user_id = $1 order by id", [u]);
    expect(events.map((e) => e.event)).toEqual(["started", "ended", "started", "switched"]);
  });

  it("R5: a foreign or unknown session id is 404 and writes nothing", async () => {
    const owner = visitor();
    const a = await begin(t.db, owner);
    const stranger = visitor();
    const count = async () => (await t.sql<{ n: string }>("select count(*)::text as n from conversation_messages"))[0].n;
    const before = await count();
    await expect(begin(t.db, stranger, { p_session_id: a.session.id })).rejects.toMatchObject({ code: "not_found:session", status: 404 });
    await expect(begin(t.db, stranger, { p_session_id: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "not_found:session" });
    expect(await count()).toBe(before);
    expect(await t.sql("select 1 from conversation_sessions where user_id = $1", [stranger])).toHaveLength(0);
  });

  it("R6: an ended or idle session id starts a new session with the same agent", async () => {
    const u = visitor();
    const a = await begin(t.db, u, { p_agent: "sales_pitch" });
    await t.db.rpc("end_session", { p_user_id: u, p_session_id: a.session.id });
    const b = await begin(t.db, u, { p_session_id: a.session.id });
    expect(b).toMatchObject({ new_session: true, reason: "ended_previous", previous_session_id: a.session.id });
    expect(b.session.agent_type).toBe("sales_pitch");

    await t.sql("update conversation_sessions set last_activity_at = now() - interval '2 days' where id = $1", [b.session.id]);
    const c = await begin(t.db, u, { p_session_id: b.session.id, p_idle_minutes: 1440 });
    expect(c).toMatchObject({ new_session: true, reason: "expired_previous" });
    const [expired] = await t.sql<Pick<Tables<"conversation_sessions">, "end_reason">>("select end_reason from conversation_sessions where id = $1", [b.session.id]);
    expect(expired.end_reason).toBe("idle");
  });

  it("R11: tracking off starts a session without a trace, and finishing adds nothing", async () => {
    const u = visitor();
    const r = await begin(t.db, u, { p_tracking: false });
    expect(r.session.trace_id).toBeNull();
    await finish(t.db, r.user_message.id);
    expect(await t.sql("select 1 from llm_traces where user_id = $1", [u])).toHaveLength(0);
    expect(r.session.session_tag).toMatch(/^chat_model_[0-9a-f]{6}_001$/);
  });

  it("a number right after a menu selects that agent (the menu is begin_turn's own answer)", async () => {
    const u = visitor();
    const a = await begin(t.db, u, { p_message: "menu" });
    expect(a.status).toBe("answered");
    const b = await begin(t.db, u, { p_message: "3" });
    expect(b).toMatchObject({ new_session: true, reason: "agent_switch", choice: "menu_pick" });
    expect(b.session.agent_type).toBe("order_assistant");
    // the agent greeted; a second "3" is a message to it, not a pick
    const c = await begin(t.db, u, { p_message: "3" });
    expect(c).toMatchObject({ new_session: false, choice: "session", status: "started" });
  });

  it("R10: a button action finds the tool outputs stored in the session that produced it", async () => {
    const u = visitor();
    const a = await begin(t.db, u);
    const buttons = [{ label: "Tent details", action: { id: "product_details", payload: { sku: "TRL-TENT-2" } } }];
    await finish(t.db, a.user_message.id, { p_metadata: { buttons, toolOutputs: { catalog_search: { products: ["x"] } } } });
    const b = await begin(t.db, u, { p_message: null, p_session_id: a.session.id, p_action: buttons[0].action });
    expect(b.session.id).toBe(a.session.id);
    expect(b.user_message.content).toBe("Tent details");
    expect(b.action_source).toMatchObject({ toolOutputs: { catalog_search: { products: ["x"] } } });
  });

  it("rate limits per visitor and per client address, counted in the database", async () => {
    const u = visitor();
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await begin(t.db, u, { p_rate_limit: 3 })).status);
    expect(statuses).toEqual(["started", "started", "started", "rate_limited"]);
    const ip = `10.0.0.${Math.floor(Math.random() * 200)}`;
    const byIp = [];
    for (let i = 0; i < 3; i++) byIp.push((await begin(t.db, visitor(), { p_client_ip: ip, p_ip_rate_limit: 2 })).status);
    expect(byIp).toEqual(["started", "started", "rate_limited"]);
    const limited = await begin(t.db, u, { p_rate_limit: 3 });
    expect((limited as unknown as { retry_after: number }).retry_after).toBeGreaterThanOrEqual(1);
  });

  it("a new visitor is counted against their address by begin_turn itself (no count_new_visitor round trip)", async () => {
    const ip = `198.51.100.${Math.floor(Math.random() * 200)}`;
    const firsts = [];
    for (let i = 0; i < 4; i++) firsts.push(await begin(t.db, visitor(), { p_client_ip: ip, p_new_visitor_limit: 3 }));
    expect(firsts.map((r) => r.status)).toEqual(["started", "started", "started", "rate_limited"]);
    expect(firsts[3]).toMatchObject({ scope: "new_visitor", retry_after: expect.any(Number) });
    expect(firsts[3]).not.toHaveProperty("session");
    // the refused visitor's turn stored nothing; the one counter holds the address's four new visitors
    const [bucket] = await t.sql<{ hits: number }>("select hits from rate_limit_buckets where bucket = $1", [`visitors:${ip}`]);
    expect(bucket.hits).toBe(4);
    // a known visitor (no limit passed) from the same address is not counted, nor refused
    expect((await begin(t.db, visitor(), { p_client_ip: ip })).status).toBe("started");
    // an unknown address is never one shared bucket
    expect((await begin(t.db, visitor(), { p_new_visitor_limit: 1 })).status).toBe("started");
    expect((await begin(t.db, visitor(), { p_new_visitor_limit: 1 })).status).toBe("started");
  });

  it("role CHECK rejects 'assistant'", async () => {
    const r = await begin(t.db, visitor());
    await expect(
      t.sql("insert into conversation_messages (session_id, user_id, role, content) values ($1, 'x', 'assistant', 'hi')", [r.session.id]),
    ).rejects.toThrow(/conversation_messages_role_check/);
  });
});
