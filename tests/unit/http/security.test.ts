import { describe, expect, it } from "vitest";
import { chatRequestSchema } from "@/app/api/chat/schema";
import { clientAddress } from "@/lib/request/client-address";
import { withinJsonBounds } from "@/lib/http/json-bounds";
import { safeNext } from "@/lib/http/return-path";
import { isSameOrigin } from "@/lib/http/same-origin";
import { csvCell } from "@/lib/traces/csv";

// The pure rules behind the security fixes (docs/reliability.md "Security").

describe("safeNext: where login sends you", () => {
  it.each([
    ["/\t/evil.example/phish", "/traces"], // a browser drops the tab: //evil.example/phish
    ["/\n/evil.example", "/traces"],
    ["/%0A", "/%0A"], // a harmless path, not a 500
    ["\n", "/"], // only a newline: this site's root
    ["//evil.example", "/traces"],
    ["/\\evil.example", "/traces"],
    ["/.//evil.example", "/traces"], // resolves to the path //evil.example
    ["https://evil.example/traces", "/traces"],
    ["javascript:alert(1)", "/traces"],
    ["http://user:pass@threadline.invalid/x", "/traces"],
    ["/dashboard?from=2026-11-01&to=2026-11-29", "/dashboard?from=2026-11-01&to=2026-11-29"],
    ["/traces/abc#frag", "/traces/abc"],
    ["", "/traces"],
    [undefined, "/traces"],
  ])("%j → %s", (next, expected) => {
    expect(safeNext(next)).toBe(expected);
  });

  it("takes the first of repeated parameters", () => {
    expect(safeNext(["/dashboard", "//evil.example"])).toBe("/dashboard");
  });
});

describe("csvCell: no formula runs in any spreadsheet", () => {
  it("quotes every text cell and neutralises a trigger after `;`, tab or a line break", () => {
    expect(csvCell("great;=1+2;thanks")).toBe(`"great;'=1+2;thanks"`);
    expect(csvCell("=HYPERLINK(\"http://x\")")).toBe(`"'=HYPERLINK(""http://x"")"`);
    expect(csvCell("ok\t+1")).toBe(`"ok\t'+1"`);
    expect(csvCell("a\n@SUM(A1)\r\n-2")).toBe(`"a\n'@SUM(A1)\r\n'-2"`);
    expect(csvCell("fine; =1")).toBe(`"fine; '=1"`);
    expect(csvCell("plain text")).toBe(`"plain text"`);
    expect(csvCell("a,b")).toBe(`"a,b"`);
  });

  it("numbers stay bare, empty stays empty", () => {
    expect([csvCell(42), csvCell(-3), csvCell(null), csvCell(undefined)]).toEqual(["42", "-3", "", ""]);
  });
});

describe("chat body: a deep action.payload is bad input, not a stack overflow", () => {
  it("100,000 levels of nesting → a validation error, no RangeError", () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = { a: deep };
    const parsed = chatRequestSchema.safeParse({ action: { id: "select_product", payload: { deep } } });
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues[0].message).toMatch(/too large or too deeply nested/);
  });

  it("bounds depth at 8 and JSON size at 2000 characters, measured exactly", () => {
    const nest = (n: number) => {
      let v: unknown = 1;
      for (let i = 0; i < n; i++) v = [v];
      return v;
    };
    expect(withinJsonBounds(nest(8), 8, 2000)).toBe(true);
    expect(withinJsonBounds(nest(9), 8, 2000)).toBe(false);
    const value = { agent: "sales_pitch", list: [1, "a\"b", null, { ok: true }], é: "ü" };
    const size = JSON.stringify(value).length;
    expect(withinJsonBounds(value, 8, size)).toBe(true);
    expect(withinJsonBounds(value, 8, size - 1)).toBe(false);
    expect(chatRequestSchema.safeParse({ action: { id: "select_agent", payload: { agent: "sales_pitch" } } }).success).toBe(true);
  });
});

describe("clientAddress: who the per-address limits count", () => {
  const peer = "x-threadline-peer-test";
  const request = (headers: Record<string, string>) => new Request("http://app.test/api/chat", { headers });

  it("by default (0 trusted proxies) only the socket address counts, whatever X-Forwarded-For says", () => {
    expect(clientAddress(request({ [peer]: "127.0.0.1", "x-forwarded-for": "203.0.113.1" }), 0, peer)).toBe("127.0.0.1");
    expect(clientAddress(request({ "x-forwarded-for": "203.0.113.1" }), 0, peer)).toBeUndefined();
  });

  it("behind n proxies, the entry n hops from the right", () => {
    const chain = { [peer]: "10.0.0.2", "x-forwarded-for": "6.6.6.6, 198.51.100.7, 10.0.0.1" };
    expect(clientAddress(request(chain), 1, peer)).toBe("10.0.0.1");
    expect(clientAddress(request(chain), 2, peer)).toBe("198.51.100.7");
    expect(clientAddress(request({ "x-forwarded-for": "198.51.100.7" }), 2, peer)).toBe("198.51.100.7");
    expect(clientAddress(request({ [peer]: "10.0.0.2" }), 1, peer)).toBe("10.0.0.2");
  });
});

describe("isSameOrigin: the one CSRF rule", () => {
  const config = { trustedProxyHops: 0, embedAllowedOrigins: "https://shop.example https://blog.example/" };
  const post = (headers: Record<string, string>) => new Request("http://app.test/api/operator/logout", { method: "POST", headers: { host: "app.test", ...headers } });

  it.each([
    ["same origin", { origin: "http://app.test", "sec-fetch-site": "same-origin" }, {}, true],
    ["another site", { origin: "https://evil.example", "sec-fetch-site": "cross-site" }, {}, false],
    ["another site, Sec-Fetch-Site only", { "sec-fetch-site": "cross-site" }, {}, false],
    ["a sibling subdomain", { "sec-fetch-site": "same-site" }, {}, false],
    ["an opaque origin", { origin: "null" }, {}, false],
    ["the embedding site, on a visitor route", { origin: "https://shop.example", "sec-fetch-site": "cross-site" }, { embed: true }, true],
    ["the embedding site, on an operator route", { origin: "https://shop.example" }, {}, false],
    ["a site not in EMBED_ALLOWED_ORIGINS, on a visitor route", { origin: "https://evil.example" }, { embed: true }, false],
    ["no browser headers (curl, a server)", {}, {}, true],
    ["typed in the address bar", { "sec-fetch-site": "none" }, {}, true],
  ])("%s", (_, headers, rule, expected) => {
    expect(isSameOrigin(post(headers), rule, config)).toBe(expected);
  });

  it("X-Forwarded-Host counts only behind a trusted proxy", () => {
    const viaProxy = post({ origin: "https://threadline.example", "x-forwarded-host": "threadline.example" });
    expect(isSameOrigin(viaProxy, {}, config)).toBe(false);
    expect(isSameOrigin(viaProxy, {}, { ...config, trustedProxyHops: 1 })).toBe(true);
  });
});
