import { describe, expect, it } from "vitest";
import { lineDiff, versionText } from "@/lib/agents/line-diff";

describe("lineDiff", () => {
  it("keeps common lines and marks the removed and added ones in order", () => {
    expect(lineDiff("a\nb\nc", "a\nB\nc\nd")).toEqual([
      { kind: "same", text: "a" },
      { kind: "removed", text: "b" },
      { kind: "added", text: "B" },
      { kind: "same", text: "c" },
      { kind: "added", text: "d" },
    ]);
  });

  it("an unchanged text has no added or removed line", () => {
    expect(lineDiff("x\ny", "x\ny").every((l) => l.kind === "same")).toBe(true);
  });

  it("a version's text names every field, so a changed tool shows as a changed line", () => {
    const base = { name: "A", description: "", greeting: null, modelKey: null, tools: ["search_catalog"], handoffs: [], instructions: "Be kind." };
    const diff = lineDiff(versionText(base), versionText({ ...base, tools: ["search_catalog", "handoff"] }));
    expect(diff.filter((l) => l.kind !== "same")).toEqual([
      { kind: "removed", text: "tools: search_catalog" },
      { kind: "added", text: "tools: search_catalog, handoff" },
    ]);
  });
});
