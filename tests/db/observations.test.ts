import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, type TestDatabase } from "../support/databases";
import { begin, finish, step, visitor } from "./turn-helpers";

// The rule codes in the test names (R1–R11, T1–T3) are defined in docs/rules.md.

// finish_turn writes every step of a turn (observations) with its cost, rolls them up on the
// trace, and carries a handoff to another agent in the same transaction.

describe.each(backends)("observations, cost and handoff in finish_turn on $name", ({ open }) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await open();
    await t.db.rpc("register_model", { p_key: "priced-model", p_name: "Priced", p_provider: "openai_compatible" });
    // USD per million tokens
    await t.sql("update llm_models set input_price_per_million = 2.5, output_price_per_million = 10, cached_input_price_per_million = 1.25 where key = 'priced-model'");
  });
  afterAll(() => t?.close());

  const trace = async (sessionId: string) =>
    (await t.sql<{ llm_calls: number; tool_calls: number; error_count: number; input_tokens: number; output_tokens: number; cost_usd: string; tools_used: string[]; latency_ms: number; status: string; last_error: string | null }>(
      `select llm_calls, tool_calls, error_count, input_tokens::int, output_tokens::int, cost_usd::text, tools_used, latency_ms::int, status, last_error
         from llm_traces where session_id = $1`, [sessionId]))[0];

  it("a turn with two tool calls stores two tool observations and three generations, with cost and roll-ups", async () => {
    const r = await begin(t.db, visitor(), { p_model_key: "priced-model", p_message: "a tent and a headlamp" });
    const g1 = step("generation", { position: 0, input_tokens: 1000, output_tokens: 40, cached_input_tokens: 200, finish_reason: "tool-calls", time_to_first_token_ms: 120 });
    const t1 = step("tool", { position: 1, parent_id: g1.id, name: "search_catalog", tool_call_id: "call_1", arguments: { query: "tent" }, result: [{ sku: "TRL-TENT-2" }] });
    const g2 = step("generation", { position: 2, input_tokens: 1200, output_tokens: 30, finish_reason: "tool-calls" });
    const t2 = step("tool", { position: 3, parent_id: g2.id, name: "offer_choices", tool_call_id: "call_2", arguments: { choices: [] }, status: "error", error: "no choices given" });
    const g3 = step("generation", { position: 4, input_tokens: 1300, output_tokens: 90, finish_reason: "stop" });
    const done = await finish(t.db, r.user_message.id, { p_observations: [g1, t1, g2, t2, g3], p_latency_ms: 850, p_input_tokens: 999999 });
    expect(done.status).toBe("stored");

    const kinds = await t.sql<{ kind: string; n: number }>("select kind, count(*)::int as n from llm_observations where message_id = $1 group by kind order by kind", [r.user_message.id]);
    expect(kinds).toEqual([{ kind: "generation", n: 3 }, { kind: "tool", n: 2 }]);
    const stored = await t.sql<{ id: string; parent_id: string | null; position: number; model: string | null; cost_usd: string | null; error: string | null; arguments: unknown; trace_id: string }>(
      "select id, parent_id, position, model, cost_usd::text, error, arguments, trace_id from llm_observations where message_id = $1 order by position", [r.user_message.id]);
    expect(stored.map((o) => o.id)).toEqual([g1.id, t1.id, g2.id, t2.id, g3.id]);
    expect(stored.map((o) => o.parent_id)).toEqual([null, g1.id, null, g2.id, null]);
    expect(stored.map((o) => o.model)).toEqual(["priced-model", null, "priced-model", null, "priced-model"]);
    expect(stored[1].arguments).toEqual({ query: "tent" });
    expect(stored[3].error).toBe("no choices given");
    expect(new Set(stored.map((o) => o.trace_id))).toEqual(new Set([r.session.trace_id]));

    // (input - cached) × 2.5 + cached × 1.25 + output × 10, per million tokens
    const cost = [[1000, 200, 40], [1200, 0, 30], [1300, 0, 90]].map(([i, c, o]) => ((i - c) * 2.5 + c * 1.25 + o * 10) / 1e6);
    expect(stored[0].cost_usd).toBe(cost[0].toFixed(8));
    expect(await trace(r.session.id)).toEqual({
      llm_calls: 3, tool_calls: 2, error_count: 1, input_tokens: 3500, output_tokens: 160,
      cost_usd: cost.reduce((a, b) => a + b, 0).toFixed(8), tools_used: ["offer_choices", "search_catalog"],
      latency_ms: 850, status: "ok", last_error: null,
    });
  });

  it("steps carry their trace's session and leave with it through the trace (no key or index of their own on session_id)", async () => {
    const r = await begin(t.db, visitor(), { p_message: "a tent" });
    const g = step("generation", { position: 0, finish_reason: "tool-calls" });
    await finish(t.db, r.user_message.id, { p_observations: [g, step("tool", { position: 1, parent_id: g.id, name: "search_catalog", arguments: { query: "tent" }, result: { products: [] } })] });
    const rows = await t.sql<{ same: boolean }>(
      "select o.session_id = tr.session_id as same from llm_observations o join llm_traces tr on tr.id = o.trace_id where o.message_id = $1", [r.user_message.id]);
    expect(rows).toEqual([{ same: true }, { same: true }]);
    // the indexes a step's insert writes: each one has a reader (docs/performance.md, "What a turn's steps cost")
    const indexes = await t.sql<{ name: string }>("select indexname as name from pg_indexes where schemaname = 'public' and tablename = 'llm_observations' order by 1");
    expect(indexes.map((i) => i.name)).toEqual(["llm_observations_created", "llm_observations_message", "llm_observations_parent", "llm_observations_pkey", "llm_observations_search", "llm_observations_trace"]);
    await t.sql("delete from conversation_sessions where id = $1", [r.session.id]);
    expect(await t.sql("select 1 from llm_observations where session_id = $1", [r.session.id])).toHaveLength(0);
  });

  it("a finish without observations adds its tokens but no llm_call (T2: generations only)", async () => {
    const r = await begin(t.db, visitor());
    await finish(t.db, r.user_message.id, { p_observations: [], p_input_tokens: 12, p_output_tokens: 3 });
    expect(await trace(r.session.id)).toMatchObject({ llm_calls: 0, input_tokens: 12, output_tokens: 3, status: "ok" });
  });

  it("an untracked session stores no observations", async () => {
    const u = visitor();
    const r = await begin(t.db, u, { p_tracking: false });
    const done = await finish(t.db, r.user_message.id, { p_observations: [step("generation", { input_tokens: 5 }), step("tool")] });
    expect(done.status).toBe("stored");
    expect(await t.sql("select 1 from llm_observations where user_id = $1", [u])).toHaveLength(0);
    expect(await t.sql("select 1 from llm_traces where user_id = $1", [u])).toHaveLength(0);
  });

  it("a failed model call is an observation with its error and counts as a call; the question stays", async () => {
    const r = await begin(t.db, visitor(), { p_model_key: "priced-model" });
    const failed = step("generation", { input_tokens: 400, output_tokens: 0, status: "error", error: "upstream 503" });
    const res = await t.db.rpc("finish_turn", { p_user_message_id: r.user_message.id, p_error: "upstream 503", p_observations: [failed], p_latency_ms: 30 });
    expect(res.status).toBe("error_recorded");
    expect(await trace(r.session.id)).toMatchObject({ llm_calls: 1, error_count: 1, input_tokens: 400, latency_ms: 30, status: "error", last_error: "upstream 503", cost_usd: "0.00100000" });
    const [obs] = await t.sql("select status, error from llm_observations where message_id = $1", [r.user_message.id]);
    expect(obs).toEqual({ status: "error", error: "upstream 503" });
    expect(await t.sql("select 1 from conversation_messages where reply_to = $1", [r.user_message.id])).toHaveLength(0);
    // the retry succeeds on the same question: the trace is ok again, two calls in all
    await finish(t.db, r.user_message.id);
    expect(await trace(r.session.id)).toMatchObject({ llm_calls: 2, status: "ok", last_error: null });
  });

  it("a menu or greeting turn leaves llm_calls unchanged", async () => {
    const u = visitor();
    const r = await begin(t.db, u, { p_agent: "sales_pitch" });
    await finish(t.db, r.user_message.id);
    expect((await begin(t.db, u, { p_message: "menu" })).status).toBe("answered");
    expect((await begin(t.db, u, { p_message: null, p_agent: "sales_pitch" })).status).toBe("answered");
    expect(await trace(r.session.id)).toMatchObject({ llm_calls: 1 });
    expect(await t.sql("select 1 from llm_observations where user_id = $1", [u])).toHaveLength(1);
  });

  it("a handoff moves the turn to a new session and trace: old ended agent_switch, question copied, flows and steps on the new one", async () => {
    const u = visitor();
    const r = await begin(t.db, u, { p_agent: "product_recommendation", p_message: "Hi so i need to buy 11 remote controls" });
    const g1 = step("generation", { input_tokens: 300, output_tokens: 20 });
    const h = step("tool", { parent_id: g1.id, name: "handoff", arguments: { agent: "order_assistant" }, result: { ok: true } });
    const n1 = step("generation", { input_tokens: 500, output_tokens: 40 });
    const n2 = step("tool", { parent_id: n1.id, name: "start_order", arguments: {}, result: { order: 1 } });
    const order = { lines: [{ item: "remote controls", quantity: 11, special_order: true }] };
    const handoff = { agent: "order_assistant", content: "Happy to take that order: 11 remote controls.", metadata: { agent: "order_assistant" }, flows: { bulk_order: order }, observations: [n1, n2] };
    const done = await finish(t.db, r.user_message.id, { p_content: "Let me hand you to our Order Assistant.", p_observations: [g1, h], p_flows: { scratch: { seen: true } }, p_handoff: handoff });

    expect(done).toMatchObject({ status: "stored", new_session: true, reply: { content: handoff.content }, session: { agent_type: "order_assistant", is_active: true } });
    expect(done.handoff).toMatchObject({ from_session_id: r.session.id, from_reply: { content: "Let me hand you to our Order Assistant.", reply_to: r.user_message.id } });
    const newId = done.session.id;
    expect(newId).not.toBe(r.session.id);
    expect(done.session.trace_id).not.toBe(r.session.trace_id);

    const sessions = await t.sql("select id, agent_type, is_active, end_reason from conversation_sessions where user_id = $1 order by started_at", [u]);
    expect(sessions).toEqual([
      { id: r.session.id, agent_type: "product_recommendation", is_active: false, end_reason: "agent_switch" },
      { id: newId, agent_type: "order_assistant", is_active: true, end_reason: null },
    ]);
    const events = await t.sql<{ session_id: string; event: string; reason: string; detail: Record<string, unknown> }>(
      "select session_id, event, reason, detail from session_events where user_id = $1 order by id", [u]);
    expect(events.map((e) => [e.session_id === newId ? "new" : "old", e.event, e.reason])).toEqual([
      ["old", "started", "first_message"], ["old", "ended", "agent_switch"], ["new", "started", "agent_switch"], ["new", "switched", "agent_switch"],
    ]);
    expect(events[3].detail).toMatchObject({ via: "handoff", from_agent: "product_recommendation", to_agent: "order_assistant" });

    const messages = await t.sql<{ role: string; content: string; metadata: Record<string, unknown>; reply_to: string | null; id: string }>(
      "select id, role, content, metadata, reply_to from conversation_messages where session_id = $1 order by seq", [newId]);
    expect(messages.map((m) => [m.role, m.content])).toEqual([["user", "Hi so i need to buy 11 remote controls"], ["agent", handoff.content]]);
    expect(messages[0].metadata).toMatchObject({ handoff_from: r.user_message.id });
    expect(messages[1].reply_to).toBe(messages[0].id);

    const flows = await t.sql("select session_id, flow, state from flow_states where session_id in ($1, $2) order by flow", [r.session.id, newId]);
    expect(flows).toEqual([{ session_id: newId, flow: "bulk_order", state: order }, { session_id: r.session.id, flow: "scratch", state: { seen: true } }]);

    expect(await trace(r.session.id)).toMatchObject({ llm_calls: 1, tool_calls: 1, tools_used: ["handoff"] });
    expect(await trace(newId)).toMatchObject({ llm_calls: 1, tool_calls: 1, tools_used: ["start_order"], input_tokens: 500 });
    const [newObs] = await t.sql<{ n: number }>("select count(*)::int as n from llm_observations where message_id = $1 and session_id = $2", [messages[0].id, newId]);
    expect(newObs.n).toBe(2);

    // repeated after it committed: the same answer, nothing new
    const again = await finish(t.db, r.user_message.id, { p_content: "other", p_handoff: handoff });
    expect(again).toMatchObject({ status: "duplicate", reply: { id: done.reply.id }, session: { id: newId } });
    expect(await t.sql("select 1 from conversation_sessions where user_id = $1", [u])).toHaveLength(2);
  });

  it("a repeated client_message_id of a handed-off turn replays the new agent's answer in the new session", async () => {
    const u = visitor();
    const id = randomUUID();
    const r = await begin(t.db, u, { p_agent: "product_recommendation", p_message: "25 headlamps please", p_client_message_id: id });
    const done = await finish(t.db, r.user_message.id, { p_handoff: { agent: "order_assistant", content: "25 headlamps, noted." } });
    const again = await begin(t.db, u, { p_message: "25 headlamps please", p_client_message_id: id });
    expect(again).toMatchObject({ status: "replay", choice: "handoff", new_session: true, previous_session_id: r.session.id });
    expect(again.session.id).toBe(done.session.id);
    expect(again.reply?.id).toBe(done.reply.id);
    expect(again.agent.key).toBe("order_assistant");
    expect(again.user_message.metadata).toMatchObject({ handoff_from: r.user_message.id });
  });

  it("a handoff racing the visitor's next messages leaves one active session, every session traced", async () => {
    const u = visitor();
    const r = await begin(t.db, u, { p_agent: "sales_pitch", p_message: "I need 40 water bottles" });
    const handoff = { agent: "order_assistant", content: "40 bottles, noted.", observations: [step("generation")] };
    await Promise.all([
      finish(t.db, r.user_message.id, { p_handoff: handoff }),
      ...Array.from({ length: 8 }, (_, i) => begin(t.db, u, { p_message: `more ${i}` })),
    ]);
    const [row] = await t.sql<{ active: number; untraced: number; handed: number }>(
      `select (select count(*)::int from conversation_sessions where user_id = $1 and is_active) as active,
              (select count(*)::int from conversation_sessions s where user_id = $1
                 and not exists (select 1 from llm_traces t where t.session_id = s.id)) as untraced,
              (select count(*)::int from conversation_messages where user_id = $1 and metadata ? 'handoff_from') as handed`, [u]);
    expect(row).toEqual({ active: 1, untraced: 0, handed: 1 });
  });

  it("a handoff to an agent outside the session's handoffs is bad_request:agent and stores nothing of the turn", async () => {
    const u = visitor();
    const r = await begin(t.db, u, { p_agent: "order_assistant" });
    for (const agent of ["order_assistant", "no_such_agent", null]) {
      await expect(finish(t.db, r.user_message.id, { p_handoff: { agent, content: "x" } })).rejects.toMatchObject({ code: "bad_request:agent", status: 400 });
    }
    expect(await t.sql("select 1 from conversation_messages where reply_to = $1", [r.user_message.id])).toHaveLength(0);
    expect(await t.sql("select 1 from conversation_sessions where user_id = $1 and is_active", [u])).toHaveLength(1);
    expect(await trace(r.session.id)).toMatchObject({ llm_calls: 0 });
  });
});
