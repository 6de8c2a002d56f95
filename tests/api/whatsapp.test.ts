import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sign } from "@/lib/channels/whatsapp/signature";
import type { App } from "../support/app";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";
import { startGraphServer, type GraphServer, type SentMessage } from "../support/graph-server";
import { maskedExportEnv, startOtlpReceiver, type OtlpReceiver } from "../support/otlp-receiver";

// The WhatsApp channel against `next start` and a Graph API stand-in (docs/channels.md):
// signed deliveries only, the same turn as the web, replies through the Postgres outbox.
const secret = "test-app-secret";
const token = "test-access-token";
const phoneNumberId = "1234567890";
let app: App;
let graph: GraphServer;
let receiver: OtlpReceiver;
let db: pg.Pool;
const adminToken = "operator-token-for-whatsapp-tests";
let seq = 0;

beforeAll(async () => {
  graph = await startGraphServer({ token, phoneNumberId });
  receiver = await startOtlpReceiver();
  ({ app, db } = await startAppOnFreshDatabase({
    ADMIN_TOKEN: adminToken,
    // a WhatsApp visitor's number must not leave the channel (docs/privacy.md): outputs masked, spans exported
    ...maskedExportEnv(receiver),
    SESSION_SECRET: "test-session-secret",
    WHATSAPP_VERIFY_TOKEN: "verify-me",
    WHATSAPP_APP_SECRET: secret,
    WHATSAPP_ACCESS_TOKEN: token,
    WHATSAPP_PHONE_NUMBER_ID: phoneNumberId,
    WHATSAPP_GRAPH_URL: graph.url,
    WHATSAPP_POLL_MS: "200",
    WHATSAPP_RETRY_BASE_MS: "100",
    WHATSAPP_RETRY_MAX_MS: "400",
    WHATSAPP_MAX_ATTEMPTS: "4",
  }, 3));
});
afterAll(async () => {
  await stopAppAndPool(app, db);
  await graph?.stop();
  await receiver?.stop();
});

const newWaId = () => `1555${String(Date.now() % 1_000_000).padStart(6, "0")}${String(++seq).padStart(2, "0")}`;

function envelope(messages: unknown[], statuses: unknown[] = []) {
  return {
    object: "whatsapp_business_account",
    entry: [{
      id: "WABA_ID",
      changes: [{
        field: "messages",
        value: {
          messaging_product: "whatsapp",
          metadata: { display_phone_number: "15550001111", phone_number_id: phoneNumberId },
          ...(messages.length ? { contacts: [{ profile: { name: "Ana" }, wa_id: (messages[0] as { from: string }).from }], messages } : {}),
          ...(statuses.length ? { statuses } : {}),
        },
      }],
    }],
  };
}

const text = (from: string, body: string, id = `wamid.${from}.${++seq}`) => ({ from, id, timestamp: String(Math.floor(Date.now() / 1000)), type: "text", text: { body } });
const tap = (from: string, button: { id: string; title: string }) => ({
  from, id: `wamid.${from}.${++seq}`, timestamp: String(Math.floor(Date.now() / 1000)), type: "interactive", interactive: { type: "button_reply", button_reply: button },
});

async function deliver(payload: unknown, signature?: string): Promise<Response> {
  const raw = JSON.stringify(payload);
  return fetch(`${app.url}/api/channels/whatsapp`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-hub-signature-256": signature ?? sign(raw, secret) },
    body: raw,
  });
}

/** Sends one message and waits for the replies it should cause (`count` Graph messages to that wa_id in all). */
async function say(message: { from: string }, total: number): Promise<SentMessage[]> {
  const res = await deliver(envelope([message]));
  expect(res.status).toBe(200);
  return graph.waitFor(message.from, total);
}

/** Every outbox row of the wa_id sent (so nothing more can go out) */
async function settled(waId: string) {
  for (let i = 0; i < 200; i++) {
    const [row] = (await db.query("select count(*) filter (where sent_at is null)::int as pending from whatsapp_outbox where wa_id = $1", [waId])).rows;
    const [inbox] = (await db.query("select count(*) filter (where processed_at is null)::int as pending from whatsapp_inbox where wa_id = $1", [waId])).rows;
    if (row.pending === 0 && inbox.pending === 0) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`outbox of ${waId} not drained`);
}

type OutboxRow = { attempts: number; dead: boolean; sent: boolean; last_error: string | null };

/** Waits until the wa_id's outbox row is as `done` says (or throws after `ms`). */
async function outboxRow(waId: string, done: (r: OutboxRow) => boolean, ms = 10_000): Promise<OutboxRow> {
  const deadline = Date.now() + ms;
  for (;;) {
    const [row] = (await db.query<OutboxRow>(
      "select attempts, dead_at is not null as dead, sent_at is not null as sent, last_error from whatsapp_outbox where wa_id = $1", [waId])).rows;
    if (row && done(row)) return row;
    if (Date.now() > deadline) throw new Error(`outbox row of ${waId}: ${JSON.stringify(row)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const bodyText = (m: SentMessage) =>
  m.type === "text" ? (m.body.text as { body: string }).body : ((m.body.interactive as { body: { text: string } }).body.text);

describe("verification handshake", () => {
  it("echoes hub.challenge for the verify token, 403 otherwise", async () => {
    const ok = await fetch(`${app.url}/api/channels/whatsapp?hub.mode=subscribe&hub.verify_token=verify-me&hub.challenge=1158201444`);
    expect(ok.status).toBe(200);
    expect(await ok.text()).toBe("1158201444");
    const bad = await fetch(`${app.url}/api/channels/whatsapp?hub.mode=subscribe&hub.verify_token=nope&hub.challenge=1`);
    expect(bad.status).toBe(403);
    expect((await bad.json()).error.code).toBe("forbidden:whatsapp");
    const put = await fetch(`${app.url}/api/channels/whatsapp`, { method: "PUT" });
    expect(put.status).toBe(405);
    expect(put.headers.get("allow")).toBe("GET, POST, HEAD, OPTIONS");
  });
});

describe("deliveries", () => {
  it("a bad signature is 401 and stores nothing", async () => {
    const from = newWaId();
    const payload = envelope([text(from, "hello")]);
    for (const signature of ["sha256=" + "0".repeat(64), "", sign(JSON.stringify(payload) + " ", secret), sign(JSON.stringify(payload), "other-secret")]) {
      const res = await deliver(payload, signature);
      expect(res.status).toBe(401);
      expect((await res.json()).error.code).toBe("unauthorized:whatsapp");
    }
    const counts = (await db.query(
      "select (select count(*) from whatsapp_inbox where wa_id = $1)::int as inbox, (select count(*) from conversation_sessions where user_id = (select c.user_id from whatsapp_contacts c where c.wa_id = $1))::int as sessions", [from])).rows[0];
    expect(counts).toEqual({ inbox: 0, sessions: 0 });
  });

  it("the switch scenario: agent code, 1, talk, menu, 2 — two sessions, two traces, the first ended agent_switch", async () => {
    const from = newWaId();
    const greeting = await say(text(from, "product_recommendation"), 1);
    expect(bodyText(greeting[0])).toMatch(/Product Recommendation/);
    await say(text(from, "1"), 2);
    const talk = await say(text(from, "I need wireless headphones for running"), 3);
    expect(talk.length).toBeGreaterThanOrEqual(3);
    await settled(from);
    const before = graph.sent.filter((m) => m.to === from).length;
    const menu = await say(text(from, "menu"), before + 1);
    const menuMessage = menu[menu.length - 1];
    expect(menuMessage.type).toBe("interactive");
    expect(menuMessage.body.interactive).toMatchObject({ type: "button" });
    const titles = (menuMessage.body.interactive as { action: { buttons: { reply: { title: string } }[] } }).action.buttons.map((b) => b.reply.title);
    expect(titles).toHaveLength(3);
    for (const t of titles) expect(t.length).toBeLessThanOrEqual(20);
    const picked = await say(text(from, "2"), before + 2);
    expect(bodyText(picked[picked.length - 1])).toMatch(/Sales Pitch/);
    await settled(from);

    const sessions = (await db.query(
      "select s.agent_type, s.channel, s.is_active, s.end_reason, t.id as trace from conversation_sessions s left join llm_traces t on t.session_id = s.id where s.user_id = (select c.user_id from whatsapp_contacts c where c.wa_id = $1) order by s.started_at", [from])).rows;
    expect(sessions).toMatchObject([
      { agent_type: "product_recommendation", channel: "whatsapp", is_active: false, end_reason: "agent_switch" },
      { agent_type: "sales_pitch", channel: "whatsapp", is_active: true, end_reason: null },
    ]);
    expect(new Set(sessions.map((s) => s.trace)).size).toBe(2);
    // every agent message went out once, in order
    const replies = (await db.query("select count(*)::int as n from conversation_messages where user_id = (select c.user_id from whatsapp_contacts c where c.wa_id = $1) and role = 'agent'", [from])).rows[0].n;
    const rows = (await db.query("select count(*)::int as n, sum(attempts)::int as attempts from whatsapp_outbox where wa_id = $1", [from])).rows[0];
    expect(rows.n).toBe(replies);
  });

  it("tapping a menu button runs its stored action (the Order Assistant greets)", async () => {
    const from = newWaId();
    const menu = await say(text(from, "menu"), 1);
    const buttons = (menu[0].body.interactive as { action: { buttons: { reply: { id: string; title: string } }[] } }).action.buttons;
    const orders = buttons.find((b) => /Order/.test(b.reply.title))!;
    const greeted = await say(tap(from, orders.reply), 2);
    expect(bodyText(greeted[1])).toMatch(/Order Assistant/);
    const [active] = (await db.query("select agent_type from conversation_sessions where user_id = (select c.user_id from whatsapp_contacts c where c.wa_id = $1) and is_active", [from])).rows;
    expect(active.agent_type).toBe("order_assistant");
    // a forged button id (another reply's) changes nothing and gets a notice
    const forged = await say(tap(from, { id: "tl:00000000-0000-4000-8000-000000000000:0", title: "x" }), 3);
    expect(bodyText(forged[2])).toMatch(/no longer available/);
  });

  it("a redelivered message is answered once", async () => {
    const from = newWaId();
    const message = text(from, "hi, do you have running shoes?");
    const [a, b] = await Promise.all([deliver(envelope([message])), deliver(envelope([message]))]);
    expect([a.status, b.status]).toEqual([200, 200]);
    await graph.waitFor(from, 1);
    await deliver(envelope([message]));
    await settled(from);
    const questions = (await db.query("select count(*)::int as n from conversation_messages where user_id = (select c.user_id from whatsapp_contacts c where c.wa_id = $1) and role = 'user'", [from])).rows[0].n;
    const answers = (await db.query("select count(*)::int as n from conversation_messages where user_id = (select c.user_id from whatsapp_contacts c where c.wa_id = $1) and role = 'agent'", [from])).rows[0].n;
    const inbox = (await db.query("select count(*)::int as n from whatsapp_inbox where wa_id = $1", [from])).rows[0].n;
    expect({ questions, answers, inbox }).toEqual({ questions: 1, answers: 1, inbox: 1 });
    const outbox = (await db.query("select count(*)::int as n from whatsapp_outbox where wa_id = $1", [from])).rows[0].n;
    expect(outbox).toBe(1);
    expect(graph.sent.filter((m) => m.to === from).length).toBe(graph.sent.filter((m) => m.to === from && m.body).length);
  });

  it("a Graph outage during a reply: retried from the outbox, sent exactly once after recovery", async () => {
    const from = newWaId();
    const failuresBefore = graph.failures;
    graph.failNext(3);
    await deliver(envelope([text(from, "menu")]));
    const sent = await graph.waitFor(from, 1);
    await settled(from);
    expect(graph.failures - failuresBefore).toBe(3);
    expect(graph.sent.filter((m) => m.to === from)).toHaveLength(1);
    expect(sent[0].type).toBe("interactive");
    const [row] = (await db.query("select attempts, sent_at is not null as sent, last_error from whatsapp_outbox where wa_id = $1", [from])).rows;
    expect(row).toMatchObject({ attempts: 4, sent: true, last_error: null });
  });

  it("a Graph 400 on a reply is a dead letter after one attempt: nothing is sent twice, and /api/health counts it", async () => {
    const from = newWaId();
    graph.failNext(1, 400);
    await deliver(envelope([text(from, "menu")]));
    const row = await outboxRow(from, (r) => r.dead);
    expect(row).toMatchObject({ attempts: 1, dead: true, sent: false, last_error: expect.stringContaining("400") });
    // the poller keeps running: the dead reply is never tried again
    await new Promise((r) => setTimeout(r, 1_000));
    expect(graph.attempts.filter((a) => a.to === from)).toEqual([expect.objectContaining({ status: 400 })]);
    expect(graph.sent.filter((m) => m.to === from)).toHaveLength(0);
    const health = await (await fetch(`${app.url}/api/health`, { headers: { authorization: `Bearer ${adminToken}` } })).json();
    expect(health.queues.whatsapp_outbox.dead).toBeGreaterThanOrEqual(1);
    expect(Object.keys(health.queues).sort()).toEqual(["audio_deletions", "evaluation_jobs", "experiment_items", "otlp_outbox", "whatsapp_inbox", "whatsapp_outbox"]);
    expect(app.logs.some((l) => l.includes("queue.dead_letter") && l.includes("whatsapp_outbox"))).toBe(true);
  });

  it("a Graph 429 is retried with backoff up to the attempt cap, then a dead letter", async () => {
    const from = newWaId();
    graph.failNext(4, 429);
    await deliver(envelope([text(from, "menu")]));
    const row = await outboxRow(from, (r) => r.dead, 15_000);
    expect(row).toMatchObject({ attempts: 4, dead: true, sent: false });
    const tries = graph.attempts.filter((a) => a.to === from);
    expect(tries.map((a) => a.status)).toEqual([429, 429, 429, 429]);
    // backoff 100, 200, 400 ms (±20%) between the four attempts
    expect(tries[3].at - tries[0].at).toBeGreaterThanOrEqual(0.8 * 700);
    await new Promise((r) => setTimeout(r, 800));
    expect(graph.attempts.filter((a) => a.to === from)).toHaveLength(4);
  });

  it("statuses are ignored; an unknown payload or message type is answered 200 without a crash", async () => {
    const from = newWaId();
    const statuses = await deliver(envelope([], [{ id: "wamid.x", status: "delivered", timestamp: "1", recipient_id: from }]));
    expect(await statuses.json()).toMatchObject({ received: 0, statuses: 1 });
    for (const weird of [{ hello: "world" }, [], { object: "whatsapp_business_account", entry: "nope" }, envelope([{ from, id: "x", type: "text" }])]) {
      const res = await deliver(weird);
      expect(res.status).toBe(200);
    }
    const sticker = await say({ from, id: `wamid.${from}.sticker`, timestamp: "1", type: "sticker", sticker: { id: "s1" } } as { from: string }, 1);
    expect(bodyText(sticker[0])).toMatch(/text messages/);
    expect(app.logs.some((l) => l.includes("whatsapp.unreadable_delivery"))).toBe(true);
    const stored = (await db.query("select count(*)::int as n from conversation_messages where user_id = (select c.user_id from whatsapp_contacts c where c.wa_id = $1)", [from])).rows[0].n;
    expect(stored).toBe(0);
  });

  it("the number stays in the channel: no span, explorer answer, CSV row, export or log line carries it (PII_MASKING=export)", async () => {
    const from = newWaId();
    // Meta's ids are opaque here (this file's others spell the number out)
    await say(text(from, "menu", `wamid.${randomUUID()}`), 1);
    await say(text(from, "I need a headlamp", `wamid.${randomUUID()}`), 2);
    await settled(from);
    const [{ user_id: user }] = (await db.query("select user_id from whatsapp_contacts where wa_id = $1", [from])).rows;
    expect(user).toMatch(/^wa_[0-9a-f]{32}$/);
    const auth = { authorization: `Bearer ${adminToken}` };
    const list = await (await fetch(`${app.url}/api/traces?channel=whatsapp`, { headers: auth })).text();
    expect(list).toContain(user);
    const csv = await (await fetch(`${app.url}/api/traces/export?channel=whatsapp`, { headers: auth })).text();
    expect(csv).toContain(user);
    // an operator may ask by the number; the answer names the pseudonym and masks the number
    const exported = await fetch(`${app.url}/api/visitors/${from}/export`, { headers: auth });
    expect(exported.status).toBe(200);
    const body = await exported.text();
    expect(body).toContain(user);
    for (let i = 0; i < 50 && !receiver.spans().some((sp) => sp.attributes["user.id"] === user); i++) await new Promise((r) => setTimeout(r, 100));
    const json = (x: unknown) => JSON.stringify(x, (_key, v: unknown) => (typeof v === "bigint" ? String(v) : v));
    const spans = receiver.spans().filter((sp) => json(sp).includes(user));
    expect(spans.length).toBeGreaterThan(0);
    for (const [where, value] of [["/api/traces", list], ["CSV", csv], ["export", body], ["spans", json(receiver.spans())], ["log", app.logs.join("\n")]]) {
      expect({ where, hasNumber: value.includes(from) }).toEqual({ where, hasNumber: false });
    }
  });

  it("a voice message with no speech service gets a polite text answer", async () => {
    const from = newWaId();
    const sent = await say({ from, id: `wamid.${from}.voice`, timestamp: "1", type: "audio", audio: { id: "media-1", mime_type: "audio/ogg; codecs=opus", voice: true } } as { from: string }, 1);
    expect(bodyText(sent[0])).toMatch(/voice messages/);
  });
});
