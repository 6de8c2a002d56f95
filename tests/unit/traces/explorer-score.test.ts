import { describe, expect, it } from "vitest";
import { apiParams, clearedFilters, explorerHref, parseExplorerState } from "@/components/traces/explorer-state";
import { traceQuerySchema } from "@/lib/traces/query";

// The explorer's score filter and sort live in the URL and map onto GET /api/traces.

describe("explorer score filter and sort", () => {
  it("keeps score, comparison, value and the score sort in the URL and the API query", () => {
    const s = parseExplorerState(new URLSearchParams("score=quality&scoreOp=gte&scoreValue=3&sort=score&dir=asc"));
    expect(s).toMatchObject({ score: "quality", scoreOp: "gte", scoreValue: "3", sort: "score", dir: "asc" });
    expect(explorerHref(s)).toBe("/traces?score=quality&scoreOp=gte&scoreValue=3&sort=score&dir=asc");
    const api = apiParams(s, Date.now());
    expect(api).toMatchObject({ score: "quality", scoreOp: "gte", scoreValue: "3", sort: "score", dir: "asc" });
    expect(traceQuerySchema.parse(api)).toMatchObject({ score: "quality", scoreOp: "gte", scoreValue: 3, sort: "score" });
  });

  it("sorts by time when no score is filtered, and clearing the filters ends a score sort", () => {
    expect(parseExplorerState(new URLSearchParams("sort=score")).sort).toBe("created_at");
    expect(clearedFilters.sort).toBe("created_at");
  });

  it("the API refuses sort=score without a score", () => {
    const r = traceQuerySchema.safeParse({ sort: "score" });
    expect(r.success).toBe(false);
    expect(r.error?.issues[0]).toMatchObject({ path: ["sort"], message: "sort=score needs score" });
  });
});
