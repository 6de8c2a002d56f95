import { describe, expect, it } from "vitest";
import { stepTurns, stepView, type ObservationRow } from "@/lib/traces/steps";

// The trace detail's timeline: steps grouped by visitor message, nested by parent, on one time axis per turn.

const t0 = Date.parse("2026-11-29T10:00:00Z");
function row(id: string, over: Partial<ObservationRow> & { at: number; ms: number }): ObservationRow {
  const { at, ms, ...rest } = over;
  return {
    id, message_id: "m1", parent_id: null, position: 0, kind: "generation", name: "model", status: "ok",
    started_at: new Date(t0 + at).toISOString(), ended_at: new Date(t0 + at + ms).toISOString(), duration_ms: ms,
    model: null, input_tokens: null, output_tokens: null, cached_input_tokens: null, time_to_first_token_ms: null,
    finish_reason: null, cost_usd: null, tool_call_id: null, arguments: null, result: null, payload_cap_bytes: null,
    truncated: false, error: null, ...rest,
  };
}

describe("stepTurns", () => {
  it("nests tool calls under the generation that made them and places every bar on the turn's axis", () => {
    const [turn] = stepTurns([
      row("g1", { at: 0, ms: 500, cost_usd: "0.00100000" }),
      row("t1", { at: 500, ms: 250, kind: "tool", name: "search_catalog", parent_id: "g1", status: "error", error: "boom" }),
      row("g2", { at: 750, ms: 250, cost_usd: 0.002 }),
    ].map(stepView));
    expect(turn.spanMs).toBe(1000);
    expect(turn.costUsd).toBeCloseTo(0.003, 10);
    expect(turn.steps.map((s) => [s.id, s.offsetPct, s.widthPct, s.children.map((c) => c.id)])).toEqual([
      ["g1", 0, 50, ["t1"]],
      ["g2", 75, 25, []],
    ]);
    expect(turn.steps[0].children[0]).toMatchObject({ offsetPct: 50, widthPct: 25, status: "error", error: "boom" });
  });

  it("keeps each visitor message's turn apart, and a step whose parent is missing at the top", () => {
    const turns = stepTurns([
      row("a", { at: 0, ms: 10 }),
      row("b", { at: 5000, ms: 0, message_id: "m2", parent_id: "gone" }),
      row("c", { at: 6000, ms: 10, message_id: null }),
    ].map(stepView));
    expect(turns.map((t) => [t.messageId, t.steps.map((s) => s.id)])).toEqual([["m1", ["a"]], ["m2", ["b"]], [null, ["c"]]]);
    // a zero-length turn still draws within the axis
    expect(turns[1].steps[0]).toMatchObject({ offsetPct: 0, widthPct: 0 });
  });
});
