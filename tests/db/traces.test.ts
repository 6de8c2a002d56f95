import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { backends, type TestDatabase } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

interface Page {
  traces: { id: string; session_tag: string; user_id: string; agent_type: string; model_key: string; feedback: string; sort_value: string }[];
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

  const search = (args: Record<string, unknown> = {}) => t.db.rpc<Page>("search_traces", { p_limit: 200, ...args });

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
    const d = await t.db.rpc<{ messages: { role: string }[]; events: { event: string }[]; visitor_sessions: unknown[] }>("trace_detail", { p_trace_id: tr.id });
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
