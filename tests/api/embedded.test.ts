import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { Visitor } from "../support/client";
import { freePort } from "../support/postgres";

// Zero configuration: embedded PGlite, migrated on start, one process per folder.
let app: App;
const dir = path.join(mkdtempSync(path.join(os.tmpdir(), "threadline-embedded-")), "pglite");
beforeAll(async () => {
  app = await startApp({ PGLITE_DIR: dir, DATABASE_URL: "" });
});
afterAll(() => app?.stop());

it("health reports the embedded backend and the applied migration version to an operator, a bare {ok} to anyone else", async () => {
  const created = app.logs.find((l) => l.includes('"event":"operator.token_created"') && l.includes("/login?token="));
  const token = decodeURIComponent(/\/login\?token=([^"&\s]+)/.exec(created ?? "")?.[1] ?? "");
  expect(token.length).toBeGreaterThanOrEqual(32);
  const body = await (await fetch(`${app.url}/api/health`, { headers: { authorization: `Bearer ${token}` } })).json();
  expect(body).toMatchObject({ ok: true, database: { backend: "pglite", up: true, migrationVersion: expect.stringMatching(/^\d{14}$/) } });
  expect(await (await fetch(`${app.url}/api/health`)).json()).toEqual({ ok: true });
});

it("chats on the embedded database", async () => {
  const v = new Visitor(app.url);
  const r = await v.chat({ message: "a headlamp for running" });
  expect(r).toMatchObject({ newSession: true, agent: { key: "product_recommendation" }, model: { key: "offline" } });
  expect(r.reply.content).toContain("Headlamp");
});

it("a second server on the same folder refuses to start, with a clear error", async () => {
  const port = await freePort();
  const child = spawn(process.execPath, [path.resolve("node_modules/next/dist/bin/next"), "start", "-p", String(port), "-H", "127.0.0.1"], {
    env: { ...process.env, NODE_ENV: "production", PGLITE_DIR: dir, DATABASE_URL: "" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const code = await new Promise<number | null>((resolve) => child.on("exit", resolve));
  expect(code).toBe(1);
  expect(out).toContain("already open in another process");
  // the first server is unaffected
  expect((await fetch(`${app.url}/api/health`)).status).toBe(200);
});
