import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RpcArgs } from "@/lib/db/types";
import { backends, type TestDatabase } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

// dashboard_stats(): every figure is an SQL aggregate; these are the exact numbers
// for a known set of sessions, on PGlite and on PostgreSQL.

interface Stats {
  totals: Record<string, number | string | null>;
  per_day: { day: string; traces: number; llm_calls: number; total_tokens: number; positive: number; negative: number; cost_usd: number }[];
  llm_calls_distribution: { bucket: string; min_calls: number; max_calls: number | null; sessions: number }[];
  feedback_by_agent: { agent_type: string; traces: number; positive: number; negative: number; pending: number; positive_ratio: number | null }[];
  feedback_by_model: { model_key: string; model_name: string; traces: number; positive: number; negative: number; pending: number; positive_ratio: number | null }[];
  ab_comparison: { experiment_name: string; traces: number }[];
  comparison: Record<string, number | string | null>[];
  usage_by_agent: { agent_type: string; traces: number; cost_usd: number; votes_up: number; votes_down: number }[];
  usage_by_model: { model_key: string; traces: number; cost_usd: number; votes_up: number; votes_down: number; traces_with_errors: number }[];
}

const day = (offset: number) => new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);

describe.each(backends)("dashboard_stats on $name", ({ open }) => {
  let t: TestDatabase;
  const [ana, bob, cy] = [visitor(), visitor(), visitor()];

  /** One session of `calls` model calls (a new session each time the agent changes). */
  async function session(user: string, agent: string, calls: number, args: Record<string, unknown> = {}, finishArgs: Record<string, unknown> = {}) {
    let sessionId = "";
    for (let i = 0; i < Math.max(calls, 1); i++) {
      const r = await begin(t.db, user, { p_agent: agent, ...args });
      sessionId = r.session.id;
      if (calls > 0) await finish(t.db, r.user_message.id, finishArgs);
    }
    return sessionId;
  }
  const rate = (sessionId: string, rating: string) => t.db.rpc("set_feedback", { p_session_id: sessionId, p_rating: rating });
  const stats = (args: RpcArgs = {}) => t.db.rpc("dashboard_stats", args);

  beforeAll(async () => {
    t = await open();
    await t.db.rpc("register_model", { p_key: "model-a", p_name: "Model A", p_provider: "openai_compatible", p_experiment_name: "exp-a" });
    await t.db.rpc("register_model", { p_key: "model-b", p_name: "Model B", p_provider: "openai_compatible", p_experiment_name: "exp-b" });
    const a = { p_model_key: "model-a" };
    const b = { p_model_key: "model-b" };
    // each finish: 10 + 5 tokens, 7 ms, unless told otherwise
    const s1 = await session(ana, "product_recommendation", 3, a); // S1: 3 calls, 45 tokens
    await rate(s1, "positive");
    const s2 = await session(ana, "sales_pitch", 1, a); // S2: 1 call, 15 tokens, two days ago
    await rate(s2, "negative");
    await session(ana, "order_assistant", 0, a); // S3: no call yet
    const s4 = await session(bob, "product_recommendation", 2, b, { p_input_tokens: 100 }); // S4: 2 calls, 210 tokens
    await rate(s4, "positive");
    const s5 = await session(bob, "sales_pitch", 12, b); // S5: 12 calls, 180 tokens
    await session(cy, "product_recommendation", 1); // S6: offline model, no experiment
    await session(cy, "sales_pitch", 4, { p_tracking: false }); // untracked: no trace, counts nowhere
    await t.sql("update llm_traces set created_at = now() - interval '2 days' where session_id = $1", [s2]);
    // finish_turn's roll-up of observations (cost, tool calls, errors) and message votes, set directly
    const rollup = "update llm_traces set cost_usd = $2, tool_calls = $3, error_count = $4, votes_up = $5, votes_down = $6 where session_id = $1";
    await t.sql(rollup, [s1, 0.75, 2, 0, 2, 1]);
    await t.sql(rollup, [s2, 0.125, 1, 1, 0, 1]);
    await t.sql(rollup, [s4, 1.5, 3, 0, 1, 0]);
    await t.sql(rollup, [s5, 0.25, 0, 2, 0, 3]);
  });
  afterAll(() => t?.close());

  it("totals over every trace", async () => {
    const { totals } = await stats();
    expect(totals).toMatchObject({ traces: 6, visitors: 3, llm_calls: 19, input_tokens: 370, output_tokens: 95, total_tokens: 465 });
    expect(totals).toMatchObject({ latency_ms: 19 * 7, positive: 2, negative: 1, pending: 3, errors: 0 });
    expect(Number(totals.avg_llm_calls)).toBe(3.17);
    expect(Number(totals.positive_ratio)).toBe(0.6667);
    expect(Number(totals.avg_latency_ms_per_call)).toBe(7);
  });

  it("traces and tokens per day, with empty days as zeros", async () => {
    const { per_day } = await stats();
    expect(per_day.map((d) => d.day)).toEqual([day(-2), day(-1), day(0)]);
    expect(per_day.map((d) => d.traces)).toEqual([1, 0, 5]);
    expect(per_day.map((d) => d.total_tokens)).toEqual([15, 0, 450]);
    expect(per_day.map((d) => d.llm_calls)).toEqual([1, 0, 18]);
    expect(per_day.map((d) => d.negative)).toEqual([1, 0, 0]);
  });

  it("LLM calls per session as a distribution", async () => {
    const { llm_calls_distribution: dist } = await stats();
    expect(Object.fromEntries(dist.map((b) => [b.bucket, b.sessions]))).toEqual({
      "0": 1, "1": 2, "2": 1, "3": 1, "4": 0, "5": 0, "6–10": 0, "11–20": 1, "21+": 0,
    });
    expect(dist.at(-1)).toMatchObject({ min_calls: 21, max_calls: null });
  });

  it("feedback per agent and per model", async () => {
    const { feedback_by_agent: agents, feedback_by_model: models } = await stats();
    expect(agents).toEqual([
      { agent_type: "product_recommendation", traces: 3, positive: 2, negative: 0, pending: 1, positive_ratio: 1 },
      { agent_type: "sales_pitch", traces: 2, positive: 0, negative: 1, pending: 1, positive_ratio: 0 },
      { agent_type: "order_assistant", traces: 1, positive: 0, negative: 0, pending: 1, positive_ratio: null },
    ]);
    expect(models.map((m) => [m.model_key, m.traces, m.positive, m.negative, m.pending, m.positive_ratio])).toEqual([
      ["model-a", 3, 1, 1, 1, 0.5],
      ["model-b", 2, 1, 0, 1, 1],
      ["offline", 1, 0, 0, 1, null],
    ]);
  });

  it("A/B comparison: the two biggest variants (experiment_names) side by side by default", async () => {
    const { ab_comparison: variants, comparison } = await stats();
    expect(variants.map((e) => [e.experiment_name, e.traces])).toEqual([["exp-a", 3], ["exp-b", 2]]);
    expect(comparison).toHaveLength(2);
    expect(comparison[0]).toMatchObject({ experiment_name: "exp-a", traces: 3, visitors: 1, llm_calls: 4, total_tokens: 60, positive: 1, negative: 1, errors: 0 });
    expect(Number(comparison[0].avg_tokens_per_call)).toBe(15);
    expect(Number(comparison[0].positive_ratio)).toBe(0.5);
    expect(comparison[1]).toMatchObject({ experiment_name: "exp-b", traces: 2, llm_calls: 14, total_tokens: 390, positive: 1 });
    expect(Number(comparison[1].avg_llm_calls)).toBe(7);
    expect(Number(comparison[1].avg_tokens_per_call)).toBe(27.9);
    expect(Number(comparison[1].avg_latency_ms_per_call)).toBe(7);
  });

  it("named A/B variants, one without traces comparing as zeros", async () => {
    const { comparison } = await stats({ p_experiment_a: "exp-b", p_experiment_b: "nope" });
    expect(comparison.map((c) => [c.experiment_name, c.traces])).toEqual([["exp-b", 2], ["nope", 0]]);
    const one = await stats({ p_experiment_b: "exp-a" });
    expect(one.comparison.map((c) => c.experiment_name)).toEqual(["exp-b", "exp-a"]);
  });

  it("a time range limits every figure", async () => {
    const r = await stats({ p_from: new Date(Date.now() - 86_400_000).toISOString() });
    expect(r.totals).toMatchObject({ traces: 5, llm_calls: 18, total_tokens: 450, negative: 0 });
    expect(r.per_day.map((d) => [d.day, d.traces])).toEqual([[day(-1), 0], [day(0), 5]]);
    expect(r.feedback_by_agent.find((a) => a.agent_type === "sales_pitch")).toMatchObject({ traces: 1, negative: 0 });
    expect(r.comparison.map((c) => [c.experiment_name, c.traces])).toEqual([["exp-a", 2], ["exp-b", 2]]);
    const past = await stats({ p_from: "2001-01-01T00:00:00Z", p_to: "2001-01-02T00:00:00Z" });
    expect(past.totals).toMatchObject({ traces: 0, llm_calls: 0, positive_ratio: null });
    expect(past.per_day).toEqual([{ day: "2001-01-01", traces: 0, llm_calls: 0, input_tokens: 0, output_tokens: 0, total_tokens: 0, positive: 0, negative: 0, cost_usd: 0 }]);
    expect(past.usage_by_agent).toEqual([]);
    expect(past.totals).toMatchObject({ cost_usd: 0, votes_up: 0, votes_down: 0 });
    expect(past.ab_comparison).toEqual([]);
    expect(past).not.toHaveProperty("experiments");
    expect(past.comparison).toEqual([]);
    await expect(stats({ p_from: "2001-01-02T00:00:00Z", p_to: "2001-01-01T00:00:00Z" })).rejects.toMatchObject({ code: "bad_request:dashboard" });
  });

  it("cost, tool calls, errors and message votes: in total, per day, per agent and per model", async () => {
    const r = await stats();
    expect(r.totals).toMatchObject({ cost_usd: 2.625, tool_calls: 6, traces_with_errors: 2, votes_up: 3, votes_down: 5 });
    expect(Number(r.totals.avg_cost_usd)).toBe(0.4375);
    expect(r.per_day.map((d) => d.cost_usd)).toEqual([0.125, 0, 2.5]);
    expect(r.usage_by_agent).toEqual([
      { agent_type: "product_recommendation", traces: 3, llm_calls: 6, tool_calls: 5, traces_with_errors: 0, cost_usd: 2.25, avg_cost_usd: 0.75, votes_up: 3, votes_down: 1 },
      { agent_type: "sales_pitch", traces: 2, llm_calls: 13, tool_calls: 1, traces_with_errors: 2, cost_usd: 0.375, avg_cost_usd: 0.1875, votes_up: 0, votes_down: 4 },
      { agent_type: "order_assistant", traces: 1, llm_calls: 0, tool_calls: 0, traces_with_errors: 0, cost_usd: 0, avg_cost_usd: 0, votes_up: 0, votes_down: 0 },
    ]);
    expect(r.usage_by_model.map((m) => [m.model_key, m.traces, m.cost_usd, m.votes_up, m.votes_down, m.traces_with_errors])).toEqual([
      ["model-b", 2, 1.75, 1, 3, 1],
      ["model-a", 3, 0.875, 2, 2, 1],
      ["offline", 1, 0, 0, 0, 0],
    ]);
    const recent = await stats({ p_from: new Date(Date.now() - 86_400_000).toISOString() });
    expect(recent.usage_by_model.find((m) => m.model_key === "model-a")).toMatchObject({ traces: 2, cost_usd: 0.75, votes_down: 1 });
  });

  it("lists the models for the explorer's filter", async () => {
    const models = await t.db.rpc("operator_models");
    expect(models.map((m) => m.key)).toEqual(expect.arrayContaining(["model-a", "model-b", "offline"]));
  });
});
