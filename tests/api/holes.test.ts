import { mkdtempSync, readdirSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { sign } from "@/lib/channels/whatsapp/signature";
import type { App } from "../support/app";
import { startAudioServer, type AudioServer } from "../support/audio-server";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";
import { startGraphServer, type GraphServer } from "../support/graph-server";

// The route half of issue 23's holes (docs/reliability.md, "Holes closed"), against `next start`:
// voice spend under the rate limits, the WhatsApp webhook's scope and verification limit, and the
// hardening headers, the operator-only health details and audio that is never cached.

let app: App;
let audio: AudioServer;
let graph: GraphServer;
let db: pg.Pool;
const audioDir = mkdtempSync(path.join(os.tmpdir(), "threadline-holes-audio-"));
const adminToken = "operator-token-for-holes-tests-32-chars";
const secret = "holes-secret";

beforeAll(async () => {
  audio = await startAudioServer();
  graph = await startGraphServer({ token: "tok", phoneNumberId: "42" });
  ({ app, db } = await startAppOnFreshDatabase({
    SESSION_SECRET: "holes-session-secret",
    ADMIN_TOKEN: adminToken,
    STT_BASE_URL: audio.baseURL,
    STT_MODEL: "whisper-1",
    AUDIO_DIR: audioDir,
    CHAT_RATE_LIMIT_PER_MINUTE: "5",
    WHATSAPP_VERIFY_TOKEN: "the-verify-token",
    WHATSAPP_APP_SECRET: secret,
    WHATSAPP_ACCESS_TOKEN: "tok",
    WHATSAPP_PHONE_NUMBER_ID: "42",
    WHATSAPP_GRAPH_URL: graph.url,
    WHATSAPP_POLL_MS: "200",
  }, 3));
}, 120_000);
afterAll(async () => {
  await stopAppAndPool(app, db);
  await audio?.close();
  await graph?.stop();
});

function voice(v: Visitor, fields: Record<string, string>) {
  const form = new FormData();
  form.set("audio", new Blob([new Uint8Array(4000).fill(3)], { type: "audio/webm" }), "voice.webm");
  for (const [k, val] of Object.entries(fields)) form.set(k, val);
  return v.request("/api/chat/voice", { method: "POST", body: form });
}

/** The start of a minute's window with at least 20 s left. */
async function freshWindow() {
  const s = new Date().getSeconds();
  if (s > 40) await new Promise((r) => setTimeout(r, (61 - s) * 1000));
}

it("30 transcribe calls in a minute from one visitor (5/min): 5 speech-to-text calls, 25 × 429 rate_limit:voice, no file that no row names", async () => {
  await freshWindow();
  const v = new Visitor(app.url);
  const before = audio.transcriptions.length;
  const statuses: number[] = [];
  const codes = new Set<string>();
  for (let i = 0; i < 30; i++) {
    const res = await voice(v, { mode: "transcribe", clientMessageId: crypto.randomUUID() });
    statuses.push(res.status);
    const body = await res.json();
    if (res.status === 429) {
      codes.add(body.error.code);
      expect(Number(res.headers.get("retry-after"))).toBeGreaterThan(0);
    }
  }
  expect(statuses.filter((s) => s === 200)).toHaveLength(5);
  expect(statuses.filter((s) => s === 429)).toHaveLength(25);
  expect([...codes]).toEqual(["rate_limit:voice"]);
  expect(audio.transcriptions.length - before).toBe(5);
  const named = new Set((await db.query<{ url: string }>("select audio_url as url from voice_messages")).rows.map((r) => r.url.slice("/api/audio/".length)));
  const files = readdirSync(audioDir);
  expect(files).toHaveLength(5);
  expect(files.filter((f) => !named.has(f))).toEqual([]);
}, 120_000);

it("a delivery for another phone_number_id is answered 200, stored nowhere, answered never, and logged", async () => {
  const from = "15557770001";
  const payload = {
    object: "whatsapp_business_account",
    entry: [{ id: "WABA", changes: [{ field: "messages", value: {
      messaging_product: "whatsapp", metadata: { display_phone_number: "15559999999", phone_number_id: "99" },
      messages: [{ from, id: `wamid.${from}.1`, timestamp: "1", type: "text", text: { body: "hello other number" } }],
    } }] }],
  };
  const raw = JSON.stringify(payload);
  const res = await fetch(`${app.url}/api/channels/whatsapp`, { method: "POST", headers: { "content-type": "application/json", "x-hub-signature-256": sign(raw, secret) }, body: raw });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ received: 0, ignored: 1 });
  expect((await db.query("select 1 from whatsapp_inbox where wa_id = $1", [from])).rowCount).toBe(0);
  await new Promise((r) => setTimeout(r, 500));
  expect(graph.sent.filter((m) => m.to === from)).toEqual([]);
  expect(app.logs.some((l) => l.includes('"event":"whatsapp.other_number"') && l.includes("99"))).toBe(true);
});

it("the webhook's verification handshake is limited per address: 10 guesses, then 429", async () => {
  await freshWindow();
  const guess = (token: string) => fetch(`${app.url}/api/channels/whatsapp?hub.mode=subscribe&hub.verify_token=${token}&hub.challenge=123`);
  const statuses: number[] = [];
  for (let i = 0; i < 12; i++) statuses.push((await guess(`guess-${i}`)).status);
  expect(statuses).toEqual([...Array(10).fill(403), 429, 429]);
  // even the right token waits for the window to end
  expect((await guess("the-verify-token")).status).toBe(429);
});

it("every response says nosniff and carries a CSP with script-src: pages (with a nonce), the API, static files, embed.js", async () => {
  const page = await fetch(`${app.url}/`);
  const html = await page.text();
  const csp = page.headers.get("content-security-policy") ?? "";
  const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
  expect(csp).toMatch(/script-src 'self' 'nonce-[^']+' 'strict-dynamic'/);
  expect(nonce).toBeTruthy();
  // every script Next.js wrote into the page carries the nonce
  const scripts = [...html.matchAll(/<script\b[^>]*>/g)].map((m) => m[0]);
  expect(scripts.length).toBeGreaterThan(0);
  expect(scripts.filter((s) => !s.includes(`nonce="${nonce}"`))).toEqual([]);
  // a new nonce per response
  expect((await fetch(`${app.url}/`)).headers.get("content-security-policy")).not.toBe(csp);
  const chunk = /src="(\/_next\/static\/[^"]+\.js)"/.exec(html)?.[1];
  expect(chunk).toBeTruthy();
  for (const p of ["/", "/embed", "/login", "/api/agents", "/api/health", "/api/chat/voice", "/embed.js", chunk!, "/no-such-page"]) {
    const res = await fetch(`${app.url}${p}`);
    expect(res.headers.get("x-content-type-options"), p).toBe("nosniff");
    expect(res.headers.get("content-security-policy"), p).toMatch(/script-src /);
  }
});

it("/api/health: a bare {ok} to anyone, the backend, migration version and outbox to an operator", async () => {
  expect(await (await fetch(`${app.url}/api/health`)).json()).toEqual({ ok: true });
  const full = await (await fetch(`${app.url}/api/health`, { headers: { authorization: `Bearer ${adminToken}` } })).json();
  expect(full).toMatchObject({ ok: true, database: { backend: "postgres", up: true, migrationVersion: expect.stringMatching(/^\d{14}$/) }, telemetry: expect.any(Object) });
});

it("a recording is served private, no-store (nothing plays from a cache after an erasure)", async () => {
  await freshWindow();
  const v = new Visitor(app.url);
  const res = await voice(v, { mode: "transcribe" });
  expect(res.status).toBe(200);
  const { audioUrl } = await res.json();
  const file = await v.request(audioUrl);
  expect(file.status).toBe(200);
  expect(file.headers.get("cache-control")).toBe("private, no-store");
});
