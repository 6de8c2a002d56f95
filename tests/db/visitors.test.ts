import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish } from "./turn-helpers";

// The Visitors page and a visitor's page (list_visitors, visitor_detail), on PGlite and PostgreSQL:
// each visitor's figures, newest session first with keyset paging, search by id prefix, every session
// in order with its ending and scores, experiments and erased visitors left out, 404 for unknown ones.

describe.each(backends)("visitors on $name", ({ open }) => {
  const t = databaseFor(open);
  // ids of this test only, so the list can be searched by their common prefix
  const prefix = () => `vt${randomBytes(6).toString("hex")}`;

  async function chat(user: string, message = "hello") {
    const b = await begin(t.db, user, { p_message: message });
    const f = await finish(t.db, b.user_message.id, { p_cost_usd: undefined });
    return { sessionId: b.session.id, traceId: b.session.trace_id!, replyId: f.reply.id as string };
  }

  it("lists a visitor's figures and shows every session in order with its tag, ending and scores", async () => {
    const p = prefix();
    const user = `${p}-web`;
    const first = await chat(user);
    await t.db.rpc("set_message_vote", { p_user_id: user, p_message_id: first.replyId, p_vote: "up" });
    await t.db.rpc("set_feedback", { p_session_id: first.sessionId, p_rating: "negative", p_user_id: user });
    await t.db.rpc("end_session", { p_user_id: user, p_session_id: first.sessionId, p_reason: "new_chat" });
    const second = await chat(user, "do you have tents?");
    await t.db.rpc("set_score", { p_trace_id: second.traceId, p_name: "quality", p_value: "good", p_source: "operator", p_author: "op-a" });

    const list = await t.db.rpc("list_visitors", { p_q: p });
    expect(list.has_more).toBe(false);
    expect(list.visitors).toHaveLength(1);
    expect(list.visitors[0]).toMatchObject({
      user_id: user, visitor_ref: user.slice(0, 8), channel: "web", tracking_enabled: true, active: true,
      sessions: 2, traces: 2, messages: 4, helpful_up: 0, helpful_down: 1, votes_up: 1, votes_down: 0, operator_scores: 1,
    });

    const detail = await t.db.rpc("visitor_detail", { p_user_id: user });
    expect(detail.visitor).toMatchObject({ user_id: user, sessions: 2 });
    expect(detail.sessions.map((s) => [s.session_id, s.session_tag.endsWith("_001"), s.messages, s.is_active])).toEqual([
      [first.sessionId, true, 2, false],
      [second.sessionId, false, 2, true],
    ]);
    expect(detail.sessions[0]).toMatchObject({ end_reason: "new_chat", ending: { event: "ended", reason: "new_chat" }, feedback: "negative", votes_up: 1 });
    expect(detail.sessions[0].scores).toEqual([{ name: "helpful", source: "visitor", author: user, value: false }]);
    expect(detail.sessions[1]).toMatchObject({ trace_id: second.traceId, ending: null, agent_type: expect.any(String) });
    expect(detail.sessions[1].scores).toEqual([{ name: "quality", source: "operator", author: "op-a", value: "good" }]);
    // each session names its agent (agents.name), so the page needs no second read of the agents
    const [agent] = await t.sql<{ name: string }>("select name from agents where key = $1", [detail.sessions[0].agent_type]);
    expect(detail.sessions.map((s) => s.agent_name)).toEqual([agent.name, agent.name]);
  });

  it("pages newest visitor first by keyset, and finds a visitor by the first 8 characters of the id", async () => {
    const p = prefix();
    const users = [`${p}-a`, `${p}-b`, `${p}-c`];
    const firsts = [];
    for (const u of users) firsts.push(await chat(u));
    // a's new chat makes a the newest visitor; it is listed once, at its newest session
    await t.db.rpc("end_session", { p_user_id: users[0], p_session_id: firsts[0].sessionId, p_reason: "new_chat" });
    await chat(users[0], "one more");
    const seen: string[] = [];
    let after: { p_after_started?: string; p_after_session?: string } = {};
    for (let page = 0; page < 5; page++) {
      const r = await t.db.rpc("list_visitors", { p_q: p, p_limit: 2, ...after });
      seen.push(...r.visitors.map((v) => v.user_id));
      const last = r.visitors.at(-1);
      if (!r.has_more || !last) break;
      after = { p_after_started: last.cursor_started_at, p_after_session: last.cursor_session_id };
    }
    expect(seen).toEqual([users[0], users[2], users[1]]);
    const ref = await t.db.rpc("list_visitors", { p_q: users[1].slice(0, p.length) + "-b" });
    expect(ref.visitors.map((v) => v.user_id)).toEqual([users[1]]);
    expect((await t.db.rpc("list_visitors", { p_q: `${p}-z` })).visitors).toEqual([]);
    // LIKE's wildcards are only characters in a prefix
    expect((await t.db.rpc("list_visitors", { p_q: `${p.slice(0, -1)}_` })).visitors).toEqual([]);
  });

  it("leaves out experiment sessions and erased visitors; an unknown or erased visitor is a 404", async () => {
    const p = prefix();
    const user = `${p}-x`;
    await chat(user);
    await t.sql(
      `insert into conversation_sessions (user_id, channel, agent_type, model_id, session_tag, is_active, ended_at, duration_seconds)
       select $1, 'experiment', 'product_recommendation', m.id, 'chat_model_experiment_001', false, now(), 0 from llm_models m limit 1`,
      [user],
    );
    expect((await t.db.rpc("list_visitors", { p_q: p })).visitors[0]).toMatchObject({ sessions: 1, channel: "web" });
    expect((await t.db.rpc("visitor_detail", { p_user_id: user })).sessions).toHaveLength(1);
    // only experiment sessions: not a visitor of the page
    const lab = `${p}-lab`;
    await t.sql(
      `insert into conversation_sessions (user_id, channel, agent_type, model_id, session_tag, is_active, ended_at, duration_seconds)
       select $1, 'experiment', 'product_recommendation', m.id, 'chat_model_experiment_001', false, now(), 0 from llm_models m limit 1`,
      [lab],
    );
    await expect(t.db.rpc("visitor_detail", { p_user_id: lab })).rejects.toMatchObject({ code: "not_found:visitor" });

    await t.db.rpc("erase_visitor", { p_user_id: user, p_requested_by: "operator" });
    expect((await t.db.rpc("list_visitors", { p_q: p })).visitors).toEqual([]);
    expect((await t.db.rpc("list_visitors", { p_q: "erased_" })).visitors).toEqual([]);
    await expect(t.db.rpc("visitor_detail", { p_user_id: user })).rejects.toMatchObject({ code: "not_found:visitor" });
    await expect(t.db.rpc("visitor_detail", { p_user_id: "nobody-at-all" })).rejects.toMatchObject({ code: "not_found:visitor" });
  });
});
