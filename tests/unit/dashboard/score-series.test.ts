import { describe, expect, it } from "vitest";
import { scoreSeries } from "@/lib/dashboard/scores";

// The dashboard's Scores card: dashboard_scores()'s groups as one series per config and source.

const row = (r: Record<string, unknown>) => ({ data_type: "numeric" as const, source: "operator" as const, scores: 1, average: 1, name: "q", ...r });

describe("score series", () => {
  it("groups days, agents (by name, with the version), models and categories under their config and source", () => {
    const series = scoreSeries({
      totals: [row({ name: "q", scores: 3, average: "2.5000" }), row({ name: "tone", data_type: "categorical", average: null, scores: 2 })],
      per_day: [row({ day: "2026-12-06" }), row({ day: "2026-12-07", scores: 2 }), row({ name: "tone", data_type: "categorical", average: null, day: "2026-12-07", scores: 2 })],
      by_agent: [row({ agent_type: "sales_pitch", scores: 3 })],
      by_agent_version: [row({ agent_type: "sales_pitch", agent_version: 2 }), row({ agent_type: "sales_pitch", scores: 2 })],
      by_model: [row({ model_key: "m", model_name: "Model M", scores: 3 })],
      categories: [row({ name: "tone", data_type: "categorical", average: null, category: "calm" }), row({ name: "tone", data_type: "categorical", average: null, category: "rude" })],
    }, { sales_pitch: "Sales Pitch" });
    expect(series.map((s) => [s.id, s.scores, s.average])).toEqual([["q · operator", 3, 2.5], ["tone · operator", 2, null]]);
    expect(series[0].perDay.map((g) => [g.key, g.scores])).toEqual([["2026-12-06", 1], ["2026-12-07", 2]]);
    expect(series[0].byAgent).toEqual([{ key: "Sales Pitch", scores: 3, average: 1 }]);
    expect(series[0].byAgentVersion.map((g) => g.key)).toEqual(["Sales Pitch · v2", "Sales Pitch · no version"]);
    expect(series[0].byModel.map((g) => g.key)).toEqual(["Model M"]);
    expect(series[0].categories).toEqual([]);
    expect(series[1].categories.map((g) => [g.key, g.average])).toEqual([["calm", null], ["rude", null]]);
  });
});
