import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, type TestDatabase } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

interface Page {
  traces: { id: string; session_tag: string; user_id: string; channel: string; agent_type: string; model_key: string; feedback: string; sort_value: string }[];
  has_more: boolean;
}

describe.each(backends)("trace search on $name", ({ open }) => {
  let t: TestDatabase;
  const ana = visitor();
  const bob = visitor();
  const agents = ["product_recommendation", "sales_pitch", "order_assistant"];
  beforeAll(async () => {
    t = await open();
    await t.db.rpc("register_model", { p_key: "model-b", p_name: "Model B", p_provider: "openai_compatible", p_experiment_name: "exp-b" });
    // 12 sessions for ana (alternating agents → a new session each), 6 for bob on model-b
    for (let i = 0; i < 12; i++) {
      const r = await begin(t.db, ana, { p_agent: agents[i % 3] });
      await finish(t.db, r.user_message.id);
    }
    for (let i = 0; i < 6; i++) {
      const r = await begin(t.db, bob, { p_agent: agents[i % 2], p_model_key: "model-b" });
      await finish(t.db, r.user_message.id, { p_input_tokens: 100 * (i + 1) });
      if (i % 2 === 0) await t.db.rpc("set_feedback", { p_session_id: r.session.id, p_rating: "negative", p_comment: "meh" });
    }
  });
  afterAll(() => t?.close());

  const search = (args: Record<string, unknown> = {}) => t.db.rpc("search_traces", { p_limit: 200, ...args });

  it("finds one session per visitor by exact tag, and by a substring of it", async () => {
    const [first] = (await search({ p_user_id: ana, p_sort: "created_at", p_dir: "asc", p_limit: 1 })).traces;
    expect(first.session_tag).toMatch(/_001$/);
    const exact = await search({ p_session_tag: first.session_tag });
    expect(exact.traces.map((x) => x.user_id)).toContain(ana);
    expect(exact.traces.every((x) => x.session_tag === first.session_tag)).toBe(true);
    const sub = await search({ p_q: first.session_tag.slice(11, 17), p_user_id: ana });
    expect(sub.traces).toHaveLength(12);
    const counter = await search({ p_q: "_01", p_user_id: ana });
    expect(counter.traces.map((x) => x.session_tag.slice(-3)).sort()).toEqual(["010", "011", "012"]);
    // LIKE wildcards in q are literal
    expect((await search({ p_q: "%" })).traces).toHaveLength(0);
  });

  it("filters by agent, model, visitor, feedback and time range", async () => {
    expect((await search({ p_user_id: ana, p_agent: "sales_pitch" })).traces).toHaveLength(4);
    expect((await search({ p_model: "model-b" })).traces.map((x) => x.user_id)).toEqual(Array(6).fill(bob));
    expect((await search({ p_feedback: "negative" })).traces).toHaveLength(3);
    expect((await search({ p_user_id: bob, p_feedback: "pending" })).traces).toHaveLength(3);
    expect((await search({ p_from: new Date(Date.now() + 60_000).toISOString() })).traces).toHaveLength(0);
    expect((await search({ p_user_id: ana, p_to: new Date(Date.now() + 60_000).toISOString() })).traces).toHaveLength(12);
  });

  it("filters by channel and shows each trace's channel, in the list and the detail", async () => {
    const cleo = visitor();
    for (const [channel, agent] of [["whatsapp", "sales_pitch"], ["whatsapp", "order_assistant"], ["web", "sales_pitch"]]) {
      const r = await begin(t.db, cleo, { p_agent: agent, p_channel: channel });
      await finish(t.db, r.user_message.id);
    }
    const whatsapp = await search({ p_channel: "whatsapp" });
    expect(whatsapp.traces.map((x) => [x.user_id, x.channel])).toEqual([[cleo, "whatsapp"], [cleo, "whatsapp"]]);
    const web = await search({ p_user_id: cleo, p_channel: "web" });
    expect(web.traces.map((x) => x.channel)).toEqual(["web"]);
    expect((await search({ p_user_id: cleo })).traces.map((x) => x.channel).sort()).toEqual(["web", "whatsapp", "whatsapp"]);
    expect((await search({ p_user_id: ana, p_channel: "whatsapp" })).traces).toHaveLength(0);
    // keyset paging within the filter
    const first = await search({ p_channel: "whatsapp", p_limit: 1 });
    const last = first.traces[0];
    const second = await search({ p_channel: "whatsapp", p_limit: 1, p_after_value: last.sort_value, p_after_id: last.id });
    expect([first.has_more, second.has_more, second.traces[0].id === last.id]).toEqual([true, false, false]);
    const d = await t.db.rpc("trace_detail", { p_trace_id: last.id });
    expect([d.trace.channel, d.session.channel]).toEqual(["whatsapp", "whatsapp"]);
  });

  it("pages by keyset without duplicates or gaps while new traces arrive", async () => {
    const seen: string[] = [];
    let after: { v: string; i: string } | null = null;
    for (let page = 0; page < 20; page++) {
      const r: Page = await search({ p_user_id: ana, p_limit: 5, p_after_value: after?.v, p_after_id: after?.i });
      seen.push(...r.traces.map((x) => x.id));
      // a new trace arrives between pages
      const n = await begin(t.db, ana, { p_agent: agents[page % 3] === "sales_pitch" ? "order_assistant" : "sales_pitch" });
      await finish(t.db, n.user_message.id);
      if (!r.has_more) break;
      const last = r.traces.at(-1)!;
      after = { v: last.sort_value, i: last.id };
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toHaveLength(12); // exactly the traces that existed when paging began
  });

  it("sorts by tokens both ways", async () => {
    const desc = await search({ p_user_id: bob, p_sort: "total_tokens", p_dir: "desc", p_limit: 3 });
    const asc = await search({ p_user_id: bob, p_sort: "total_tokens", p_dir: "asc", p_limit: 3 });
    expect(desc.traces.map((x) => Number(x.sort_value))).toEqual([605, 505, 405]);
    expect(asc.traces.map((x) => Number(x.sort_value))).toEqual([105, 205, 305]);
    expect(desc.has_more && asc.has_more).toBe(true);
  });

  it("a trace's detail carries its conversation and lifecycle; operators can set and clear feedback", async () => {
    const [tr] = (await search({ p_user_id: ana, p_limit: 1 })).traces;
    const d = await t.db.rpc("trace_detail", { p_trace_id: tr.id });
    expect(d.messages.map((m) => m.role)).toEqual(["user", "agent"]);
    expect(d.events.map((e) => e.event)).toContain("started");
    expect(d.visitor_sessions.length).toBeGreaterThan(12);
    await t.db.rpc("set_trace_feedback", { p_trace_id: tr.id, p_rating: "positive", p_comment: "good" });
    await t.db.rpc("set_trace_feedback", { p_trace_id: tr.id, p_rating: "pending" });
    const [row] = await t.sql("select feedback, feedback_comment from llm_traces where id = $1", [tr.id]);
    expect(row).toEqual({ feedback: "pending", feedback_comment: null });
    await expect(t.db.rpc("trace_detail", { p_trace_id: "00000000-0000-4000-8000-000000000000" })).rejects.toMatchObject({ code: "not_found:trace" });
  });
});

interface CostPage {
  traces: {
    id: string; cost_usd: number | string; tool_calls: number; error_count: number; tools_used: string[]; agent_version: number | null;
    votes_up: number; votes_down: number; sort_value: string;
  }[];
  has_more: boolean;
}

interface Observation {
  id: string; message_id: string | null; parent_id: string | null; position: number; kind: string; name: string; status: string;
  duration_ms: number; model: string | null; cost_usd: number | null; arguments: unknown; result: unknown; truncated: boolean; error: string | null;
}

// The second release's trace columns: written by finish_turn's roll-up (set here with plain SQL), read by the explorer.
describe.each(backends)("trace cost, tools, errors and steps on $name", ({ open }) => {
  let t: TestDatabase;
  const eve = visitor();
  const traces: { id: string; session: string; message: string }[] = [];
  // per trace: cost, tools used, errors
  const shape: [number, string[], number][] = [
    [0, [], 0],
    [0.0125, ["search_catalog"], 0],
    [0.5, ["search_catalog", "offer_choices"], 1],
    [0.0125, ["start_order", "set_order_line"], 2],
    [2.25, ["handoff"], 0],
  ];
  beforeAll(async () => {
    t = await open();
    const agents = ["product_recommendation", "sales_pitch"];
    for (let i = 0; i < shape.length; i++) {
      const r = await begin(t.db, eve, { p_agent: agents[i % 2] });
      await finish(t.db, r.user_message.id, { p_observations: [] }); // the steps are inserted by the tests below
      const [row] = await t.sql<{ id: string }>("select id from llm_traces where session_id = $1", [r.session.id]);
      traces.push({ id: row.id, session: r.session.id, message: r.user_message.id });
      const [cost, tools, errors] = shape[i];
      await t.sql("update llm_traces set cost_usd = $2, tools_used = $3, tool_calls = $4, error_count = $5 where id = $1", [row.id, cost, tools, tools.length, errors]);
    }
  });
  afterAll(() => t?.close());

  const search = (args: Record<string, unknown> = {}) => t.db.rpc("search_traces", { p_user_id: eve, p_limit: 200, ...args });
  const ids = (p: CostPage) => p.traces.map((x) => x.id);

  it("returns cost, agent version, tool calls, errors, tools used and votes on every row", async () => {
    const [row] = (await search({ p_sort: "cost_usd", p_limit: 1 })).traces;
    expect(row).toMatchObject({ id: traces[4].id, cost_usd: 2.25, tool_calls: 1, error_count: 0, tools_used: ["handoff"], votes_up: 0, votes_down: 0 });
    expect(row.agent_version).toBe(1);
  });

  it("filters by a tool used, by has-an-error and by a minimum cost, together", async () => {
    expect(new Set(ids(await search({ p_tool: "search_catalog" })))).toEqual(new Set([traces[1].id, traces[2].id]));
    expect(ids(await search({ p_tool: "confirm_order" }))).toEqual([]);
    expect(new Set(ids(await search({ p_has_error: true })))).toEqual(new Set([traces[2].id, traces[3].id]));
    expect(ids(await search({ p_has_error: false }))).toHaveLength(3);
    expect(new Set(ids(await search({ p_min_cost: 0.0125 })))).toEqual(new Set([traces[1].id, traces[2].id, traces[3].id, traces[4].id]));
    expect(ids(await search({ p_min_cost: 0.5, p_has_error: true }))).toEqual([traces[2].id]);
    expect(ids(await search({ p_tool: "search_catalog", p_has_error: true, p_min_cost: "0.01" }))).toEqual([traces[2].id]);
    // the tag-substring path applies the same filters
    const [one] = (await search({})).traces;
    const tag = (await t.sql<{ session_tag: string }>("select session_tag from llm_traces where id = $1", [one.id]))[0].session_tag;
    expect(ids(await search({ p_q: tag.slice(11, 17), p_tool: "handoff" }))).toEqual([traces[4].id]);
  });

  it("sorts by cost both ways and pages by (cost, created_at, id) through equal costs", async () => {
    const desc = await search({ p_sort: "cost_usd", p_dir: "desc" });
    expect(desc.traces.map((x) => x.cost_usd)).toEqual([2.25, 0.5, 0.0125, 0.0125, 0]);
    const asc = await search({ p_sort: "cost_usd", p_dir: "asc" });
    expect(asc.traces.map((x) => x.cost_usd)).toEqual([0, 0.0125, 0.0125, 0.5, 2.25]);
    expect(desc.traces[0].sort_value).toMatch(/^2\.25000000\|\d{4}-/);
    for (const dir of ["asc", "desc"]) {
      const seen: string[] = [];
      let after: { v: string; i: string } | null = null;
      for (let page = 0; page < 10; page++) {
        const r: CostPage = await search({ p_sort: "cost_usd", p_dir: dir, p_limit: 1, p_after_value: after?.v, p_after_id: after?.i });
        seen.push(...ids(r));
        if (!r.has_more) break;
        const last = r.traces.at(-1)!;
        after = { v: last.sort_value, i: last.id };
      }
      expect(seen).toEqual(ids(dir === "asc" ? asc : desc));
    }
  });

  it("a trace's detail carries its steps: generation → tool → generation, with errors, cost and votes", async () => {
    const tr = traces[2];
    const [reply] = await t.sql<{ id: string }>("select id from conversation_messages where reply_to = $1", [tr.message]);
    await t.sql("update conversation_messages set vote = 'down', voted_at = now() where id = $1", [reply.id]);
    await t.sql("update llm_traces set votes_down = 1 where id = $1", [tr.id]);
    const gen = "10000000-0000-4000-8000-000000000001";
    await t.sql(
      `insert into llm_observations (id, trace_id, session_id, user_id, message_id, parent_id, position, kind, name, status,
                                     started_at, ended_at, duration_ms, model, input_tokens, output_tokens, time_to_first_token_ms,
                                     finish_reason, cost_usd, tool_call_id, arguments, result, payload_cap_bytes, truncated, error)
       values ($1, $2, $3, $4, $5, null, 0, 'generation', 'offline', 'ok', now() - interval '3 s', now() - interval '2.5 s', 500,
               'offline', 120, 30, 80, 'tool-calls', 0.25, null, null, null, null, false, null),
              (gen_random_uuid(), $2, $3, $4, $5, $1, 1, 'tool', 'search_catalog', 'error', now() - interval '2.5 s', now() - interval '2.4 s', 100,
               null, null, null, null, null, null, 'call-1', '{"query":"tent"}', null, 16384, true, 'catalog unavailable'),
              (gen_random_uuid(), $2, $3, $4, $5, null, 2, 'generation', 'offline', 'ok', now() - interval '2.4 s', now() - interval '2 s', 400,
               'offline', 140, 40, 60, 'stop', 0.25, null, null, null, null, false, null)`,
      [gen, tr.id, tr.session, eve, tr.message],
    );
    const d = await t.db.rpc("trace_detail", { p_trace_id: tr.id });
    expect(d.observations.map((o) => `${o.kind}:${o.name}:${o.status}`)).toEqual(["generation:offline:ok", "tool:search_catalog:error", "generation:offline:ok"]);
    expect(d.observations.every((o) => o.message_id === tr.message)).toBe(true);
    expect(d.observations[1]).toMatchObject({ parent_id: gen, arguments: { query: "tent" }, truncated: true, error: "catalog unavailable", duration_ms: 100 });
    expect(d.observations[0]).toMatchObject({ cost_usd: 0.25, model: "offline", duration_ms: 500 });
    expect(d.trace).toMatchObject({ cost_usd: 0.5, votes_down: 1 });
    expect(d.messages.find((m) => m.id === reply.id)?.vote).toBe("down");
    // another trace has no steps
    expect((await t.db.rpc("trace_detail", { p_trace_id: traces[0].id })).observations).toEqual([]);
  });

  it("lists the registered tools for the explorer's filter", async () => {
    const tools = await t.db.rpc("operator_tools");
    expect(tools.map((x) => x.name)).toEqual(expect.arrayContaining(["search_catalog", "handoff", "confirm_order"]));
  });
});
