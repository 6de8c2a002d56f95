import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { cookieOf, operatorLogin, Visitor } from "../support/client";
import { freshPostgresUrl } from "../support/databases";
import { figure, visitorCookieFor } from "./helpers";

// Attacks from docs/reliability.md "Security": forged client addresses, cross-site
// requests, spreadsheet formulas in the CSV export, a deep button payload, and
// methods a route does not serve. The limits run on PostgreSQL (shared buckets).

const token = "security-suite-admin-token-of-32-characters";
const secret = "reliability-security";
const embedOrigin = "https://shop.example";
let app: App;

beforeAll(async () => {
  app = await startApp({ DATABASE_URL: await freshPostgresUrl(), ADMIN_TOKEN: token, SESSION_SECRET: secret, EMBED_ALLOWED_ORIGINS: embedOrigin });
});
afterAll(() => app?.stop());

async function freshMinute(): Promise<void> {
  const left = 60 - new Date().getUTCSeconds();
  if (left < 10) await new Promise((r) => setTimeout(r, left * 1000 + 500));
}

const chat = (base: string, headers: Record<string, string>, body: unknown = { message: "hello" }) =>
  fetch(`${base}/api/chat`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

describe("client addresses (TRUSTED_PROXY_HOPS)", () => {
  it("a direct client cannot pick its own bucket with X-Forwarded-For: the socket address counts", async () => {
    const limited = await startApp({ DATABASE_URL: await freshPostgresUrl(), SESSION_SECRET: secret, CHAT_RATE_LIMIT_PER_IP_PER_MINUTE: "5" });
    try {
      await freshMinute();
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) {
        const res = await chat(limited.url, { cookie: visitorCookieFor(randomUUID(), secret), "x-forwarded-for": `203.0.113.${i + 1}` });
        statuses.push(res.status);
      }
      expect(statuses).toEqual([200, 200, 200, 200, 200, 429, 429]);
      figure(`security (client address, TRUSTED_PROXY_HOPS=0, limit 5/min): 7 messages, each with its own X-Forwarded-For and visitor → ${statuses.join(" ")}`);
    } finally {
      await limited.stop();
    }
  });

  it("dropping the cookie does not escape the limits: new visitors per address and minute are limited", async () => {
    const limited = await startApp({ DATABASE_URL: await freshPostgresUrl(), SESSION_SECRET: secret, NEW_VISITORS_PER_IP_PER_MINUTE: "3" });
    try {
      await freshMinute();
      const statuses: number[] = [];
      let kept = "";
      for (let i = 0; i < 5; i++) {
        const res = await chat(limited.url, { "x-forwarded-for": `198.51.100.${i + 1}` });
        statuses.push(res.status);
        if (res.status === 429) expect(Number(res.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        // counted by begin_turn itself: a refused new visitor gets no cookie to come back with
        if (res.status === 429) expect(res.headers.get("set-cookie")).toBeNull();
        kept ||= res.headers.get("set-cookie")?.split(";")[0] ?? "";
      }
      const returning = await chat(limited.url, { cookie: kept });
      expect(statuses).toEqual([200, 200, 200, 429, 429]);
      expect(returning.status).toBe(200);
      figure(`security (new visitors, limit 3/min per address): 5 cookie-less messages → ${statuses.join(" ")}; a returning visitor's cookie after → ${returning.status}`);
    } finally {
      await limited.stop();
    }
  });
});

describe("cross-site requests (CSRF)", () => {
  const evil = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };

  it("another site cannot end an operator's login, end or rate a visitor's session, or rate a trace", async () => {
    const operator = cookieOf(await operatorLogin(app.url, token));
    const visitor = new Visitor(app.url);
    const { sessionId, traceId } = await visitor.chat({ message: "hello" });
    const json = { "content-type": "application/json" };
    const attempts: [string, string, Record<string, string>, string?][] = [
      ["operator logout", "/api/operator/logout", { cookie: operator, ...evil }],
      ["operator logout, Sec-Fetch-Site only", "/api/operator/logout", { cookie: operator, "sec-fetch-site": "cross-site" }],
      ["operator logout from the embedding site", "/api/operator/logout", { cookie: operator, origin: embedOrigin }],
      ["operator login", "/api/operator/login", { ...json, ...evil }, JSON.stringify({ token })],
      ["operator trace feedback", `/api/traces/${traceId}/feedback`, { cookie: operator, ...json, ...evil }, JSON.stringify({ rating: "negative" })],
      ["end the visitor's session", `/api/sessions/${sessionId}/end`, { cookie: visitor.cookie, ...evil }],
      ["end it from an opaque origin", `/api/sessions/${sessionId}/end`, { cookie: visitor.cookie, origin: "null" }],
      ["rate the visitor's session", `/api/sessions/${sessionId}/feedback`, { cookie: visitor.cookie, ...json, ...evil }, JSON.stringify({ rating: "negative" })],
    ];
    const got: string[] = [];
    for (const [what, path, headers, body] of attempts) {
      const res = await fetch(app.url + path, { method: "POST", headers, body });
      expect({ what, status: res.status, code: (await res.json()).error?.code }).toEqual({ what, status: 403, code: "forbidden:origin" });
      got.push(`${what} → ${res.status}`);
    }
    // nothing happened: the login and the session are alive, nothing was rated
    expect((await fetch(`${app.url}/api/traces`, { headers: { cookie: operator } })).status).toBe(200);
    const history = await (await visitor.request(`/api/sessions/${sessionId}/messages`)).json();
    expect(history.isActive).toBe(true);
    const trace = await (await fetch(`${app.url}/api/traces/${traceId}`, { headers: { authorization: `Bearer ${token}` } })).json();
    expect(trace.trace.feedback).toBe("pending");

    // the app itself, and the widget framed by an allowed site, still work
    const rated = await fetch(`${app.url}/api/sessions/${sessionId}/feedback`, { method: "POST", headers: { cookie: visitor.cookie, ...json, origin: embedOrigin, "sec-fetch-site": "cross-site" }, body: JSON.stringify({ rating: "positive" }) });
    expect(rated.status).toBe(200);
    const ended = await fetch(`${app.url}/api/sessions/${sessionId}/end`, { method: "POST", headers: { cookie: visitor.cookie, origin: app.url, "sec-fetch-site": "same-origin" } });
    expect(ended.status).toBe(200);
    const out = await fetch(`${app.url}/api/operator/logout`, { method: "POST", headers: { cookie: operator, origin: app.url } });
    expect(out.status).toBe(200);
    figure(`security (CSRF): ${got.length} cross-site POSTs (${got.join("; ")}) → all 403 forbidden:origin, nothing changed; same-origin end/logout and the allowed embedding site's feedback → 200`);
  });
});

describe("CSV export", () => {
  it("a comment with a formula behind `;` is exported quoted and neutralised", async () => {
    const visitor = new Visitor(app.url);
    const visitorId = randomUUID();
    visitor.cookie = visitorCookieFor(visitorId, secret);
    const { sessionId } = await visitor.chat({ message: "hello" });
    const comment = "great;=1+2;thanks\n@SUM(A1)";
    const rated = await visitor.post(`/api/sessions/${sessionId}/feedback`, { rating: "positive", comment });
    expect(rated.status).toBe(200);
    const csv = await (await fetch(`${app.url}/api/traces/export?userId=${visitorId}`, { headers: { authorization: `Bearer ${token}` } })).text();
    const cell = `"great;'=1+2;thanks\n'@SUM(A1)"`;
    expect(csv).toContain(cell);
    expect(csv).not.toMatch(/(^|[;,\n])=1\+2/);
    figure(`security (CSV): feedback comment ${JSON.stringify(comment)} → exported as ${JSON.stringify(cell)}`);
  });
});

describe("bad input", () => {
  it("an action.payload nested 5000 deep is 400 bad_request:chat, not a 500", async () => {
    const depth = 5000;
    const body = `{"action":{"id":"select_product","payload":{"a":${'{"a":'.repeat(depth)}1${"}".repeat(depth)}}}}`;
    const res = await fetch(`${app.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json" }, body });
    const json = await res.json();
    expect({ status: res.status, code: json.error?.code }).toEqual({ status: 400, code: "bad_request:chat" });
    figure(`security (nesting): action.payload nested ${depth} deep (${body.length} bytes) → ${res.status} ${json.error.code}`);
  });

  it("every API route answers a method it does not serve with a JSON 405 and Allow", async () => {
    const id = randomUUID();
    const routes: [string, string, string][] = [
      ["GET", "/api/chat", "POST, OPTIONS"],
      ["PUT", "/api/chat", "POST, OPTIONS"],
      ["DELETE", "/api/traces", "GET, HEAD, OPTIONS"],
      ["POST", `/api/traces/${id}`, "GET, HEAD, OPTIONS"],
      ["GET", `/api/traces/${id}/feedback`, "POST, OPTIONS"],
      ["POST", "/api/traces/export", "GET, HEAD, OPTIONS"],
      ["GET", "/api/operator/login", "POST, OPTIONS"],
      ["GET", "/api/operator/logout", "POST, OPTIONS"],
      ["GET", "/api/operator/password-login", "POST, OPTIONS"],
      ["GET", `/api/sessions/${id}/end`, "POST, OPTIONS"],
      ["GET", `/api/sessions/${id}/feedback`, "POST, OPTIONS"],
      ["DELETE", `/api/sessions/${id}/messages`, "GET, HEAD, OPTIONS"],
      ["PATCH", "/api/health", "GET, HEAD, OPTIONS"],
      ["POST", "/api/dashboard", "GET, HEAD, OPTIONS"],
      ["POST", "/api/bench/ping", "GET, HEAD, OPTIONS"],
    ];
    for (const [method, path, allow] of routes) {
      const res = await fetch(app.url + path, { method });
      expect({ method, path, status: res.status, allow: res.headers.get("allow"), body: await res.json() }).toEqual({
        method, path, status: 405, allow, body: { error: { code: "method_not_allowed:route", message: expect.any(String) } },
      });
    }
    figure(`security (methods): ${routes.length} unserved methods on ${new Set(routes.map((r) => r[1])).size} routes → 405 method_not_allowed:route with Allow`);
  });
});
