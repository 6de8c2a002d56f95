import { describe, expect, it } from "vitest";
import { gradeTrace, listEvaluators } from "@/lib/evaluators";
import { backends, databaseFor, type TestDatabase } from "../support/databases";
import { begin, finish, step, visitor } from "./turn-helpers";

// Evaluators (docs/architecture.md, "Evaluators"): each rule's true and false case over stored rows,
// and the model-graded judge's structured output and its recorded step with tokens and cost.

const order = (fields: Record<string, unknown>) => ({
  status: "confirmed", lines: [{ item: "Ridgeline 2-Person Tent", sku: "TRL-TENT-2", quantity: 11, priceCents: 28900, pickupLocation: "Warehouse A", special: false }],
  name: "Ada Lovelace", phone: "+1 555 010 2030", email: "ada@example.com", reference: "BO-1", orderNumber: 1, ...fields,
});

/** A trace with one stored turn: the reply, its tool steps and the session's flows. */
async function trace(t: TestDatabase, reply: string, extra: Record<string, unknown> = {}): Promise<string> {
  const b = await begin(t.db, visitor(), { p_message: "hi" });
  await finish(t.db, b.user_message.id, { p_content: reply, ...extra });
  const [row] = await t.sql<{ id: string }>("select id from public.llm_traces where session_id = $1", [b.session.id]);
  return row.id;
}

describe.each(backends)("evaluators on $name", ({ open }) => {
  const t = databaseFor(open);

  it("lists the seeded rule and judge evaluators", async () => {
    const { evaluators } = await listEvaluators(t.db);
    expect(evaluators.map((e) => `${e.kind}:${e.name}`)).toEqual(expect.arrayContaining([
      "rule:catalog_products_exist", "rule:order_confirmed_with_contact", "rule:expected_tool_calls", "rule:reply_under_chars", "judge:helpfulness_judge",
    ]));
  });

  it("catalog_products_exist: true when every named product is in the catalog, false for an invented one", async () => {
    const good = await trace(t, "Ridgeline 2-Person Tent — $289.00\nCategory: camping · SKU TRL-TENT-2");
    expect(await gradeTrace(t.db, { traceId: good, evaluator: "catalog_products_exist" })).toMatchObject({ name: "catalog_products_exist", value: true });
    const bad = await trace(t, "Try the **Moonwalker Hover Tent** — $999.00, SKU TRL-MOON-9.");
    const r = await gradeTrace(t.db, { traceId: bad, evaluator: "catalog_products_exist" });
    expect(r.value).toBe(false);
    expect(r.comment).toContain("TRL-MOON-9");
    // the score is the evaluator's, on the trace
    const [s] = await t.sql<{ source: string; author: string; trace_id: string }>("select source, author, trace_id from public.scores where id = $1", [r.scoreId]);
    const [e] = await t.sql<{ id: string }>("select id from public.evaluators where name = 'catalog_products_exist'");
    expect(s).toEqual({ source: "evaluator", author: e.id, trace_id: bad });
  });

  it("order_confirmed_with_contact: true with name, phone and email; false without the email, or with no confirmed order", async () => {
    const ok = await trace(t, "Your order is confirmed!", { p_flows: { bulk_order: order({}) } });
    expect((await gradeTrace(t.db, { traceId: ok, evaluator: "order_confirmed_with_contact" })).value).toBe(true);
    const noEmail = await trace(t, "Your order is confirmed!", { p_flows: { bulk_order: order({ email: null }) } });
    const r = await gradeTrace(t.db, { traceId: noEmail, evaluator: "order_confirmed_with_contact" });
    expect(r).toMatchObject({ value: false, comment: expect.stringContaining("email") });
    const open = await trace(t, "Please confirm.", { p_flows: { bulk_order: order({ status: "awaiting_confirmation" }) } });
    expect((await gradeTrace(t.db, { traceId: open, evaluator: "order_confirmed_with_contact" })).value).toBe(false);
  });

  it("expected_tool_calls: true when the turn's calls match (names, given args), false otherwise; refused without expected calls", async () => {
    const id = await trace(t, "Here are tents.", {
      p_observations: [step("generation"), step("tool", { name: "search_catalog", arguments: { query: "tent", limit: 5 } }), step("generation")],
    });
    const expected = (toolCalls: { name: string; args?: unknown }[]) => ({ traceId: id, evaluator: "expected_tool_calls", expected: { toolCalls } });
    expect((await gradeTrace(t.db, expected([{ name: "search_catalog", args: { query: "tent" } }]))).value).toBe(true);
    expect((await gradeTrace(t.db, expected([{ name: "search_catalog", args: { query: "stove" } }]))).value).toBe(false);
    expect((await gradeTrace(t.db, expected([{ name: "product_details" }]))).value).toBe(false);
    expect((await gradeTrace(t.db, expected([]))).value).toBe(false);
    await expect(gradeTrace(t.db, { traceId: id, evaluator: "expected_tool_calls" })).rejects.toMatchObject({ code: "bad_request:evaluator" });
  });

  it("reply_under_chars: true at the limit, false over it (its option max_chars)", async () => {
    await t.sql("update public.evaluators set options = '{\"max_chars\": 20}' where name = 'reply_under_chars'");
    const short = await trace(t, "x".repeat(20));
    const long = await trace(t, "x".repeat(21));
    expect((await gradeTrace(t.db, { traceId: short, evaluator: "reply_under_chars" })).value).toBe(true);
    expect(await gradeTrace(t.db, { traceId: long, evaluator: "reply_under_chars" })).toMatchObject({ value: false, comment: "21 characters (limit 20)." });
    await t.sql("update public.evaluators set options = '{\"max_chars\": 600}' where name = 'reply_under_chars'");
  });

  it("a judge answers with a structured score and reasoning (the offline model's rules), recorded as a step with tokens and cost", async () => {
    await t.sql("update public.llm_models set input_price_per_million = 2, output_price_per_million = 8 where key = 'offline'");
    const id = await trace(t, "The Ridgeline tent weighs 2.1 kg.");
    const r = await gradeTrace(t.db, { traceId: id, evaluator: "helpfulness_judge", expected: { output: "The Ridgeline tent weighs 2.1 kg with poles." } });
    // 7 of the expected answer's 9 words are in the reply: the same score every run
    expect(r).toMatchObject({ name: "judge_helpfulness", value: 0.78, comment: "The reply contains 7 of the 9 words of the expected answer." });
    const again = await gradeTrace(t.db, { traceId: id, evaluator: "helpfulness_judge", expected: { output: "The Ridgeline tent weighs 2.1 kg with poles." } });
    expect(again).toMatchObject({ scoreId: r.scoreId, value: 0.78 });
    const steps = await t.sql<{ name: string; kind: string; model: string; input_tokens: number; output_tokens: number; cost_usd: string; message_id: string; result: { score: number } }>(
      "select name, kind, model, input_tokens, output_tokens, cost_usd::text, message_id, result from public.llm_observations where trace_id = $1 and name like 'judge:%'", [id]);
    expect(steps).toHaveLength(2);
    const s = steps[0];
    expect(s).toMatchObject({ name: "judge:helpfulness_judge", kind: "generation", model: "offline", result: { score: 0.78 } });
    expect(s.input_tokens).toBeGreaterThan(50);
    expect(s.output_tokens).toBeGreaterThan(5);
    expect(Number(s.cost_usd)).toBeCloseTo((s.input_tokens * 2 + s.output_tokens * 8) / 1e6, 8);
    // the trace's own roll-ups count the conversation only
    const [tr] = await t.sql<{ llm_calls: number; cost_usd: string }>("select llm_calls, cost_usd::text from public.llm_traces where id = $1", [id]);
    expect(tr.llm_calls).toBe(1);
    await t.sql("update public.llm_models set input_price_per_million = 0, output_price_per_million = 0 where key = 'offline'");
  });

  it("without an expected answer the judge gives 1 for an answer and 0.5 for an apology", async () => {
    const answer = await trace(t, "We carry two tents.");
    const sorry = await trace(t, "Sorry, something went wrong.");
    expect((await gradeTrace(t.db, { traceId: answer, evaluator: "helpfulness_judge" })).value).toBe(1);
    expect((await gradeTrace(t.db, { traceId: sorry, evaluator: "helpfulness_judge" })).value).toBe(0.5);
  });
});
