import { describe, expect, it } from "vitest";
import { decodeCursor, encodeCursor, type Cursor } from "@/lib/traces/cursor";

// The explorer's keyset cursor: opaque to clients, and a forged one is a 400, never SQL input.

const id = "6f1c1f43-4a57-4a4e-9d3c-2b9c0c7c5a11";
const base64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const refused = (raw: string, sort = "created_at", dir = "desc") => {
  try {
    decodeCursor(raw, sort, dir);
    return null;
  } catch (e) {
    return { code: (e as { code?: string }).code, message: (e as Error).message };
  }
};

describe("trace cursor", () => {
  it.each<[Cursor]>([
    [{ s: "created_at", d: "desc", v: "2026-11-29 10:11:12.123456+00", i: id }],
    [{ s: "updated_at", d: "asc", v: "2026-11-29T10:11:12Z", i: id }],
    [{ s: "llm_calls", d: "desc", v: "42", i: id }],
    [{ s: "total_tokens", d: "asc", v: "-1", i: id }],
    [{ s: "cost_usd", d: "desc", v: "0.01250000|2026-11-29 10:11:12.5+00", i: id }],
    [{ s: "score", d: "desc", v: "5.5000000000000000|2026-11-29 10:11:12.5+00", i: id }],
    [{ s: "score", d: "asc", v: "-2|2026-11-29 10:11:12+00", i: id }],
  ])("round-trips %j", (cursor) => {
    const raw = encodeCursor(cursor);
    expect(raw).toMatch(/^[A-Za-z0-9_-]+$/); // URL-safe, no padding
    expect(decodeCursor(raw, cursor.s, cursor.d)).toEqual(cursor);
  });

  it("refuses a score cursor that is not a number and a time", () => {
    expect(refused(encodeCursor({ s: "score", d: "desc", v: "1); drop table x|2026-11-29 10:11:12+00", i: id }), "score")?.code).toBe("bad_request:traces");
    expect(refused(encodeCursor({ s: "score", d: "desc", v: "5.5", i: id }), "score")?.code).toBe("bad_request:traces");
  });

  it("is only valid for the search that made it (sort and direction)", () => {
    const raw = encodeCursor({ s: "created_at", d: "desc", v: "2026-11-29 10:11:12+00", i: id });
    expect(refused(raw, "updated_at", "desc")?.code).toBe("bad_request:traces");
    expect(refused(raw, "created_at", "asc")?.code).toBe("bad_request:traces");
  });

  it.each([
    ["not base64 JSON", "not-a-cursor"],
    ["empty", ""],
    ["JSON but not an object", base64([1, 2])],
    ["a missing id", base64({ s: "created_at", d: "desc", v: "2026-11-29 10:11:12+00" })],
    ["an id that is not a uuid", base64({ s: "created_at", d: "desc", v: "2026-11-29 10:11:12+00", i: "1 or 1=1" })],
    ["SQL in the sort value", base64({ s: "created_at", d: "desc", v: "2026-01-01T00:00:00Z') or (1=1", i: id })],
    ["a sort value that is not a date", base64({ s: "created_at", d: "desc", v: "not a date", i: id })],
    ["a number past bigint", base64({ s: "llm_calls", d: "desc", v: "99999999999999999999", i: id })],
    ["a cost without its timestamp", base64({ s: "cost_usd", d: "desc", v: "0.01250000", i: id })],
    ["an unknown direction", base64({ s: "created_at", d: "sideways", v: "2026-11-29 10:11:12+00", i: id })],
    ["a sort value over 100 characters", base64({ s: "created_at", d: "desc", v: "2".repeat(101), i: id })],
  ])("refuses %s with a typed 400", (_what, raw) => {
    const sort = raw === "not-a-cursor" || raw === "" ? "created_at" : (JSON.parse(Buffer.from(raw, "base64url").toString()) as { s?: string }).s ?? "created_at";
    expect(refused(raw, sort, "desc")).toEqual({ code: "bad_request:traces", message: "cursor is not valid for this search." });
  });

  it("a tampered byte makes it invalid", () => {
    const raw = encodeCursor({ s: "llm_calls", d: "desc", v: "7", i: id });
    const json = Buffer.from(raw, "base64url").toString().replace('"7"', '"7; drop table llm_traces"');
    expect(refused(Buffer.from(json).toString("base64url"), "llm_calls")?.code).toBe("bad_request:traces");
  });
});
