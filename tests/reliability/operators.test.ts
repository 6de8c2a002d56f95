import { createHash } from "node:crypto";
import { createServerClient } from "@supabase/ssr";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { freshPostgresUrl } from "../support/databases";
import { startGoTrue, type GoTrueStandIn } from "../support/gotrue";
import { figure } from "./helpers";

// Who is an operator (README "Operators"): Supabase Auth users only with
// app_metadata.role = "operator", checked on the server for pages, APIs and the CSV
// export; login sessions that logout and token rotation revoke; the admin token
// stored only as a hash; failed attempts throttled per address; login redirects
// that stay on this site. The app runs on embedded PGlite with a GoTrue stand-in.

const token = "operators-suite-admin-token-of-32-characters";
const operator = { email: "ops@example.com", password: "operator-password", appMetadata: { role: "operator" } };
const stranger = { email: "signed-up@example.com", password: "stranger-password", appMetadata: {} };
let gotrue: GoTrueStandIn;
let app: App;

beforeAll(async () => {
  gotrue = await startGoTrue([operator, stranger]);
  app = await startApp({ ADMIN_TOKEN: token, NEXT_PUBLIC_SUPABASE_URL: gotrue.url, NEXT_PUBLIC_SUPABASE_ANON_KEY: gotrue.anonKey });
});
afterAll(async () => {
  await app?.stop();
  await gotrue?.close();
});

/** The `cookie` header for the Set-Cookie lines of a response (cleared cookies dropped). */
function cookiesOf(res: Response): string {
  return res.headers
    .getSetCookie()
    .filter((c) => !/max-age=0\b/i.test(c))
    .map((c) => c.split(";")[0])
    .join("; ");
}

const same = () => ({ origin: app.url, "sec-fetch-site": "same-origin" });
/** POST /api/operator/password-login from the app's own page. */
const passwordLogin = (email: string, password: string) =>
  fetch(`${app.url}/api/operator/password-login`, {
    method: "POST",
    headers: { "content-type": "application/json", ...same() },
    body: JSON.stringify({ email, password }),
  });
const get = (path: string, headers: Record<string, string> = {}) => fetch(app.url + path, { headers, redirect: "manual" });
const tokenLogin = () => fetch(`${app.url}/api/operator/login`, { method: "POST", headers: { "content-type": "application/json", ...same() }, body: JSON.stringify({ token }) });

/** The three operator surfaces: a page, the API, the CSV export. */
async function surfaces(cookie: string): Promise<{ page: number; api: number; csv: number }> {
  const [page, api, csv] = await Promise.all([get("/traces", { cookie }), get("/api/traces", { cookie }), get("/api/traces/export", { cookie })]);
  return { page: page.status, api: api.status, csv: csv.status };
}

describe("Supabase Auth: only operators", () => {
  it("/login offers email and password when Supabase Auth is configured, next to the admin token", async () => {
    const html = await (await get("/login")).text();
    expect(html).toContain('data-testid="login-email"');
    expect(html).toContain('data-testid="login-password"');
    expect(html).toContain('data-testid="login-token"');
  });

  it("an operator signs in through /login's route and reaches pages, API and export; an expired session does not", async () => {
    const res = await passwordLogin(operator.email, operator.password);
    expect(res.status).toBe(200);
    const cookie = cookiesOf(res);
    expect(cookie).toMatch(/^sb-127-auth-token/);
    expect(await surfaces(cookie)).toEqual({ page: 200, api: 200, csv: 200 });
    expect(gotrue.calls.some((c) => c.path === "/auth/v1/user")).toBe(true);

    gotrue.expireSessions(operator.email);
    expect(await surfaces(cookie)).toEqual({ page: 307, api: 401, csv: 401 });
    figure(`operators (Supabase Auth): operator session → page 200, /api/traces 200, export 200; the same session expired at Supabase → 307 to /login, 401, 401`);
  });

  it("a user who merely signed up is no operator: refused at sign-in, and a session made with the anon key opens nothing", async () => {
    const refused = await passwordLogin(stranger.email, stranger.password);
    expect(refused.status).toBe(403);
    expect((await refused.json()).error.code).toBe("forbidden:login");
    expect(cookiesOf(refused)).toBe("");

    // what the stranger can do in their own browser with the public anon key
    const jar = new Map<string, string>();
    const own = createServerClient(gotrue.url, gotrue.anonKey, {
      cookies: { getAll: () => [...jar].map(([name, value]) => ({ name, value })), setAll: (cs) => cs.forEach((c) => jar.set(c.name, c.value)) },
    });
    const { error } = await own.auth.signInWithPassword({ email: stranger.email, password: stranger.password });
    expect(error).toBeNull();
    const cookie = [...jar].map(([n, v]) => `${n}=${v}`).join("; ");
    expect(await surfaces(cookie)).toEqual({ page: 307, api: 401, csv: 401 });

    const wrong = await passwordLogin(operator.email, "guess");
    expect(wrong.status).toBe(401);
    figure(`operators (Supabase Auth): signed-up non-operator → password login 403 forbidden:login; their own anon-key session → page 307, /api/traces 401, export 401; wrong password → 401`);
  });
});

describe("login sessions", () => {
  it("every login is a new cookie; logout revokes exactly that login on the server", async () => {
    const first = await tokenLogin();
    const second = await tokenLogin();
    const [a, b] = [cookiesOf(first), cookiesOf(second)];
    expect(a).toMatch(/^tl_operator=[\w-]{43}$/);
    expect(a).not.toBe(b);
    expect(first.headers.get("set-cookie")).toMatch(/HttpOnly; SameSite=Strict/i);
    expect((await get("/api/traces", { cookie: a })).status).toBe(200);

    const out = await fetch(`${app.url}/api/operator/logout`, { method: "POST", headers: { cookie: a, ...same() } });
    expect(out.status).toBe(200);
    // the old value, replayed after logout (a copied cookie), no longer works
    expect((await get("/api/traces", { cookie: a })).status).toBe(401);
    expect((await get("/api/traces", { cookie: b })).status).toBe(200);
    figure(`operators (login sessions): two logins → two different cookies; after logout the first cookie replayed → 401, the other login still 200`);
  });
});

describe("login redirect", () => {
  it.each([
    ["%2F%09%2Fevil.example%2Fphish", "/traces"],
    ["%2F%0A%2Fevil.example", "/traces"],
    ["%2F%0A", "/"], // "/\n": the newline is dropped, as a browser would
    ["%2F.%2F%2Fevil.example", "/traces"],
    ["%2Fdashboard%3Ffrom%3D2026-11-01", "/dashboard?from=2026-11-01"],
  ])("a signed-in operator at /login?next=%s goes to %s", async (next, expected) => {
    const cookie = cookiesOf(await tokenLogin());
    const res = await get(`/login?next=${next}`, { cookie });
    expect(res.status).toBe(307);
    expect(res.headers.get("location")).toBe(expected);
    // not signed in: the form is shown, and the path it will go to is the safe one
    const form = await get(`/login?next=${next}`);
    expect(form.status).toBe(200);
    const props = [...(await form.text()).matchAll(/\\"next\\":\\"([^\\]*)\\"/g)].map((m) => m[1]);
    expect(props.length).toBeGreaterThan(0);
    expect(new Set(props)).toEqual(new Set([expected]));
  });
});

describe("the admin token", () => {
  it("an ADMIN_TOKEN under 32 characters stops the server with a clear message", async () => {
    await expect(startApp({ ADMIN_TOKEN: "short-token" })).rejects.toThrow(/ADMIN_TOKEN must be at least 32 characters/);
  });

  it("a generated token is stored only as its hash and still works; failed attempts per address end in 429 with Retry-After", async () => {
    const url = await freshPostgresUrl();
    const db = new pg.Pool({ connectionString: url, max: 1 });
    const limited = await startApp({ DATABASE_URL: url, OPERATOR_AUTH_FAILURES_PER_MINUTE: "4" });
    try {
      const line = limited.logs.find((l) => l.includes('"event":"operator.token_created"'))!;
      const generated = /token=([\w-]+)/.exec(line)![1];
      const settings = (await db.query<{ key: string; value: string }>("select key, value from app_settings order by key")).rows;
      expect(settings.find((s) => s.key === "admin_token_hash")?.value).toBe(createHash("sha256").update(generated).digest("hex"));
      expect(settings.some((s) => s.value.includes(generated))).toBe(false);
      expect((await fetch(`${limited.url}/api/traces`, { headers: { authorization: `Bearer ${generated}` } })).status).toBe(200);

      // wait for a fresh minute window if this one is about to end
      const left = 60 - new Date().getUTCSeconds();
      if (left < 10) await new Promise((r) => setTimeout(r, left * 1000 + 500));
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await fetch(`${limited.url}/api/traces`, { headers: { authorization: `Bearer wrong-${i}` } })).status);
      const right = await fetch(`${limited.url}/api/traces`, { headers: { authorization: `Bearer ${generated}` } });
      const login = await fetch(`${limited.url}/api/operator/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: generated }) });
      expect(statuses).toEqual([401, 401, 401, 401]);
      expect(right.status).toBe(429);
      expect((await right.json()).error.code).toBe("rate_limit:operator");
      expect(Number(right.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
      expect(login.status).toBe(429);
      figure(`operators (admin token): generated token stored as sha256 only (no clear value in app_settings); 4 wrong bearer tokens → ${statuses.join(" ")}, then the right token → ${right.status} Retry-After ${right.headers.get("retry-after")} s, login → ${login.status}`);
    } finally {
      await limited.stop();
      await db.end();
    }
  });

  it("a new ADMIN_TOKEN revokes every login made with the old one", async () => {
    const url = await freshPostgresUrl();
    const first = await startApp({ DATABASE_URL: url, ADMIN_TOKEN: token });
    const res = await fetch(`${first.url}/api/operator/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) });
    const cookie = cookiesOf(res);
    expect((await fetch(`${first.url}/api/traces`, { headers: { cookie } })).status).toBe(200);
    await first.stop();
    const rotated = await startApp({ DATABASE_URL: url, ADMIN_TOKEN: `${token}-rotated` });
    try {
      expect((await fetch(`${rotated.url}/api/traces`, { headers: { cookie } })).status).toBe(401);
      expect((await fetch(`${rotated.url}/api/traces`, { headers: { authorization: `Bearer ${token}` } })).status).toBe(401);
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      const rows = (await db.query("select id_hash, revoked_at is not null as revoked from operator_sessions")).rows;
      await db.end();
      expect(rows).toEqual([{ id_hash: createHash("sha256").update(cookie.split("=")[1]).digest("hex"), revoked: true }]);
    } finally {
      await rotated.stop();
    }
  });
});
