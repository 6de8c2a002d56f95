import { execFile } from "node:child_process";
import { mkdtempSync, readFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sessionListSchema } from "@/lib/chat/wire";
import { startApp, type App } from "../support/app";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";

// The first hour over HTTP against `next start` on the embedded database: the widget's chat list
// (GET /api/sessions) and the SQL console while the app holds the PGlite folder (docs/operations.md).

const run = promisify(execFile);
const token = "first-hour-admin-token-0123456789abcdef";
let app: App;
let dir: string;
beforeAll(async () => {
  dir = path.join(mkdtempSync(path.join(os.tmpdir(), "threadline-first-hour-")), "pglite");
  app = await startApp({ PGLITE_DIR: dir, ADMIN_TOKEN: token });
});
afterAll(() => app?.stop());

describe("GET /api/sessions", () => {
  it("answers the cookie's visitor's own sessions, newest first; none without a cookie", async () => {
    const none = await fetch(`${app.url}/api/sessions`);
    expect([none.status, none.headers.get("cache-control"), await none.json()]).toEqual([200, "no-store", { sessions: [] }]);

    const ana = new Visitor(app.url);
    const first = await ana.chat({ agent: "sales_pitch", message: "why the Ridgeline tent?" });
    await ana.post(`/api/sessions/${first.sessionId}/end`, { reason: "new_chat" });
    const second = await ana.chat({ agent: "product_recommendation", message: "a rain jacket" });
    const bob = new Visitor(app.url);
    await bob.chat({ agent: "sales_pitch", message: "bob's own words" });

    const list = sessionListSchema.parse(await (await ana.request("/api/sessions")).json());
    expect(list.sessions.map((s) => [s.sessionId, s.agent.name, s.isActive])).toEqual([
      [second.sessionId, "Product Recommendation", true],
      [first.sessionId, "Sales Pitch", false],
    ]);
    expect(list.sessions[0].lastMessage).toMatchObject({ role: "agent" });
    expect(list.sessions[1].sessionTag).toBe(first.sessionTag);
    expect(JSON.stringify(list)).not.toContain("bob's own words");
  });

  it("a session without a trace is listed without its tag", async () => {
    const v = new Visitor(app.url);
    await v.chat({ agent: "sales_pitch", message: "hi", tracking: false });
    const list = sessionListSchema.parse(await (await v.request("/api/sessions")).json());
    expect(list.sessions).toHaveLength(1);
    expect(list.sessions[0].sessionTag).toBeNull();
  });
});

describe("the SQL console while the app holds the embedded database", () => {
  const sql = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${app.url}/api/operator/sql`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });

  it("refuses anyone without the folder's console key or the admin token", async () => {
    for (const headers of [{}, { "x-threadline-console-key": "guess" }, { authorization: "Bearer nope" }] as Record<string, string>[]) {
      const res = await sql({ sql: "select 1" }, headers);
      expect(res.status).toBe(401);
    }
  });

  it("runs SQL with the console key the app wrote into its folder, or the admin token; a SQL error is 400", async () => {
    const file = JSON.parse(readFileSync(path.join(dir, "threadline.console"), "utf8")) as { key: string; pid: number };
    const res = await sql({ sql: "select key from agents order by menu_position; select 2 as two" }, { "x-threadline-console-key": file.key });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { results: { fields: string[]; rows: unknown[][] }[] };
    expect(body.results[0].fields).toEqual(["key"]);
    expect(body.results[0].rows.map((r) => r[0])).toEqual(expect.arrayContaining(["product_recommendation", "sales_pitch", "order_assistant"]));
    expect(body.results[1]).toMatchObject({ fields: ["two"], rows: [[2]] });
    expect((await sql({ sql: "select 1" }, { authorization: `Bearer ${token}` })).status).toBe(200);
    const bad = await sql({ sql: "select nope from nowhere" }, { "x-threadline-console-key": file.key });
    expect(bad.status).toBe(400);
    expect(await bad.json()).toMatchObject({ error: { code: "bad_request:console" } });
  });

  it("npm run db:sql adds an agent (the README's how-to) that the running app serves at once", async () => {
    const env = { ...process.env, PGLITE_DIR: dir, PORT: String(app.port), DATABASE_URL: "", NEXT_PUBLIC_SUPABASE_URL: "" };
    const insert = `insert into public.agents (key, name, description, instructions, greeting, tools, handoffs)
      values ('gift_finder', 'Gift Finder', 'Gift ideas', 'You are the Gift Finder.', 'Hi! Who is the gift for?', '{search_catalog}', '{}')`;
    const tsx = path.resolve("node_modules/.bin/tsx");
    await run(tsx, ["scripts/db-sql.ts", "-c", insert], { env });
    const { stdout } = await run(tsx, ["scripts/db-sql.ts", "-c", "select key, name from agents order by key"], { env });
    expect(stdout).toMatch(/gift_finder\s+\| Gift Finder/);
    expect(stdout).toContain("(4 rows)");
    const greeting = await new Visitor(app.url).chat({ agent: "gift_finder" });
    expect(greeting.reply.content).toBe("Hi! Who is the gift for?");
  });
});

describe("the console on another backend", () => {
  let other: App;
  let db: pg.Pool;
  beforeAll(async () => { ({ app: other, db } = await startAppOnFreshDatabase({ ADMIN_TOKEN: token })); });
  afterAll(() => stopAppAndPool(other, db));

  it("is 404 not_found:console: connect to DATABASE_URL directly", async () => {
    const res = await fetch(`${other.url}/api/operator/sql`, {
      method: "POST", headers: { "content-type": "application/json", authorization: `Bearer ${token}` }, body: JSON.stringify({ sql: "select 1" }),
    });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { code: "not_found:console" } });
  });
});
