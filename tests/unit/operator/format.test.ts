import { describe, expect, it } from "vitest";
import { formatCount } from "@/components/operator/format";

// The dashboard said "1 visitors" (issue 22, item 7).
describe("formatCount", () => {
  it("says one thing in the singular and any other count in the plural", () => {
    expect(formatCount(1, "visitor")).toBe("1 visitor");
    expect(formatCount(0, "visitor")).toBe("0 visitors");
    expect(formatCount(1204, "visitor")).toBe("1,204 visitors");
    expect(formatCount(2, "reply", "replies")).toBe("2 replies");
  });
});
