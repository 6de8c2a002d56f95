import { describe, expect, it } from "vitest";
import { productCardsQuery } from "@/app/api/products/schema";
import { dashboardQuerySchema } from "@/lib/dashboard/query";
import { queryString, searchParamsObject } from "@/lib/http/query";
import { traceQuerySchema } from "@/lib/traces/query";

// The query string (lib/http/query.ts): what a schema reads from a URL, and the shared fields.

describe("searchParamsObject", () => {
  it("reads only the schema's own keys, the first value of each (a refined object too)", () => {
    expect(searchParamsObject(new URL("http://x/?limit=3&limit=4&junk=%00&hasError=true"), traceQuerySchema)).toEqual({ limit: "3", hasError: "true" });
    expect(searchParamsObject(new URL("http://x/?from=a&a=b&z=1"), dashboardQuerySchema)).toEqual({ from: "a", a: "b" });
  });

  it("a list field gets every value, and an empty list when there is none", () => {
    expect(searchParamsObject(new URL("http://x/?sku=A&sku=B"), productCardsQuery)).toEqual({ sku: ["A", "B"] });
    expect(searchParamsObject(new URL("http://x/"), productCardsQuery)).toEqual({ sku: [] });
  });
});

describe("the shared fields", () => {
  it("blank values are unset; times are dates within Postgres's years; from before to", () => {
    expect(dashboardQuerySchema.parse({ from: " ", a: "" })).toEqual({});
    expect(dashboardQuerySchema.parse({ from: "2026-11-01", to: "2026-11-29T00:00:00Z" })).toEqual({
      from: new Date("2026-11-01T00:00:00Z"),
      to: new Date("2026-11-29T00:00:00Z"),
    });
    expect(dashboardQuerySchema.safeParse({ from: "275760-09-13" }).error?.issues[0].message).toBe("must be between the years 1 and 9999");
    expect(dashboardQuerySchema.safeParse({ from: "garbage" }).error?.issues[0].message).toBe("must be a date or ISO timestamp");
    expect(traceQuerySchema.safeParse({ from: "2030-01-01", to: "2020-01-01" }).error?.issues[0]).toMatchObject({ message: "from must be before to", path: ["from"] });
    expect(traceQuerySchema.safeParse({ q: "x".repeat(101) }).error?.issues[0].message).toBe("must be at most 100 characters");
  });

  it("queryString keeps repeated values", () => {
    expect(queryString({ a: "1", b: ["2", "3"], c: undefined })).toBe("?a=1&b=2&b=3");
    expect(queryString({})).toBe("");
  });
});
