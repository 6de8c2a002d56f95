import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { App } from "../support/app";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";
import { maskedExportEnv, startOtlpReceiver, type OtlpReceiver } from "../support/otlp-receiver";

// Privacy over HTTP (docs/privacy.md): the running app exports each turn to an OTLP
// collector, shows the outbox in /api/health, masks what it exports, and erases a
// visitor on the operator's or the visitor's own request.

let app: App;
let db: pg.Pool;
let receiver: OtlpReceiver;
const token = "operator-token-for-privacy-tests";
const auth = { authorization: `Bearer ${token}` };

beforeAll(async () => {
  receiver = await startOtlpReceiver();
  ({ app, db } = await startAppOnFreshDatabase({
    ADMIN_TOKEN: token,
    ...maskedExportEnv(receiver),
    OTEL_SERVICE_NAME: "threadline-http-test",
    OTEL_EXPORTER_OTLP_TIMEOUT: "1000",
    OTLP_OUTBOX_LEASE_SECONDS: "5",
    OTLP_RETRY_BASE_MS: "200",
    OTLP_RETRY_MAX_MS: "1000",
  }));
});
afterAll(async () => {
  await stopAppAndPool(app, db);
  await receiver?.stop();
});

const idOf = (v: Visitor) => v.cookie.split("=")[1].split(".")[0];

async function until<T>(probe: () => Promise<T | undefined>, what: string): Promise<T> {
  for (let i = 0; i < 600; i++) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`never happened: ${what}`);
}

it("exports each chat turn to the OTLP endpoint, masked, and shows the outbox in /api/health", async () => {
  const visitor = new Visitor(app.url);
  const turn = await visitor.chat({ message: "a tent please, I'm at ana@example.com" });
  const root = await until(
    async () => receiver.spans().find((s) => s.name.startsWith("invoke_agent ") && s.attributes["session.id"] === turn.sessionId),
    "the turn's root span arrives",
  );
  expect(root.resource["service.name"]).toBe("threadline-http-test");
  expect(receiver.requests.every((r) => r.contentType === "application/x-protobuf")).toBe(true);
  expect(root.attributes).toMatchObject({ "gen_ai.operation.name": "invoke_agent", "user.id": idOf(visitor), "threadline.session.tag": turn.sessionTag });
  expect(String(root.attributes["gen_ai.input.messages"])).toContain("[email]");
  expect(JSON.stringify(receiver.requests.map((r) => r.json))).not.toContain("ana@example.com");
  const health = await (await fetch(`${app.url}/api/health`, { headers: { authorization: `Bearer ${token}` } })).json();
  expect(health.telemetry.outbox).toMatchObject({ enabled: true, depth: expect.any(Number), dropped: 0 });
});

it("a turn made while the collector is down arrives exactly once after the app restarts and the collector is back", async () => {
  await receiver.stop();
  const visitor = new Visitor(app.url);
  const turn = await visitor.chat({ message: "a stove for the outage" });
  const pending = await db.query("select count(*)::int as n from otlp_outbox where session_id = $1", [turn.sessionId]);
  expect(pending.rows[0].n).toBe(1);
  await until(async () => (app.logs.some((l) => l.includes('"event":"telemetry.export_failed"')) ? true : undefined), "an export attempt fails");
  await app.restart();
  await receiver.start();
  await until(async () => {
    const { rows } = await db.query("select count(*)::int as n from otlp_outbox");
    return rows[0].n === 0 ? true : undefined;
  }, "the outbox drains");
  const roots = receiver.spans().filter((s) => !s.parentSpanId && s.attributes["session.id"] === turn.sessionId);
  expect(roots).toHaveLength(1);
});

it("operators export and erase a visitor; the export is masked and needs an operator", async () => {
  const visitor = new Visitor(app.url);
  await visitor.chat({ message: "call me on +44 20 7946 0958" });
  const id = idOf(visitor);
  for (const headers of [{} as Record<string, string>, { cookie: visitor.cookie }]) {
    const res = await fetch(`${app.url}/api/visitors/${id}/export`, { headers });
    expect(res.status).toBe(401);
    expect((await fetch(`${app.url}/api/visitors/${id}`, { method: "DELETE", headers })).status).toBe(401);
  }
  const res = await fetch(`${app.url}/api/visitors/${id}/export`, { headers: auth });
  expect(res.status).toBe(200);
  const body = await res.json();
  expect(body.user_id).toBe(id);
  expect(body.messages[0].content).toBe("call me on [phone]");
  expect(JSON.stringify(body)).not.toContain("7946");

  const erased = await fetch(`${app.url}/api/visitors/${id}`, { method: "DELETE", headers: auth });
  expect(erased.status).toBe(200);
  expect(await erased.json()).toMatchObject({ erased: true, erasureId: expect.stringMatching(/^erased_/), counts: { messages: 2 } });
  const rows = await db.query("select count(*)::int as n from conversation_messages where user_id = $1", [id]);
  expect(rows.rows[0].n).toBe(0);
  for (const [method, path] of [["GET", `/api/visitors/${id}/export`], ["DELETE", `/api/visitors/${id}`], ["GET", "/api/visitors/nobody/export"]]) {
    const again = await fetch(app.url + path, { method, headers: auth });
    expect(again.status).toBe(404);
    expect((await again.json()).error.code).toBe("not_found:visitor");
  }
});

it("a visitor deletes their own chat history and starts over as a new visitor", async () => {
  const visitor = new Visitor(app.url);
  const first = await visitor.chat({ message: "my email is bo@example.org" });
  const id = idOf(visitor);
  const signedCookie = visitor.cookie;
  expect((await fetch(`${app.url}/api/sessions/${first.sessionId}/messages`, { headers: { cookie: signedCookie } })).status).toBe(200);
  const res = await visitor.request("/api/visitor", { method: "DELETE" });
  expect(res.status).toBe(200);
  expect(await res.json()).toMatchObject({ erased: true, counts: { sessions: 1, messages: 2 } });
  expect(res.headers.get("set-cookie")).toMatch(/^tl_visitor=; Path=\/; HttpOnly; SameSite=Lax; Max-Age=0/);
  const left = await db.query("select count(*)::int as n from conversation_sessions where user_id = $1 or id = $2 and user_id not like 'erased_%'", [id, first.sessionId]);
  expect(left.rows[0].n).toBe(0);
  // the history route no longer finds the session, even with the old signed cookie
  const history = await fetch(`${app.url}/api/sessions/${first.sessionId}/messages`, { headers: { cookie: signedCookie } });
  expect(history.status).toBe(404);
  // without a visitor cookie there is nothing to delete
  const none = await fetch(`${app.url}/api/visitor`, { method: "DELETE" });
  expect(none.status).toBe(404);
  expect((await none.json()).error.code).toBe("not_found:visitor");
});

it("a copy of the old cookie after \"Delete my chat history\" is a new visitor: it writes nothing under the old id and reads nothing back", async () => {
  const visitor = new Visitor(app.url);
  const first = await visitor.chat({ message: "my email is cy@example.org" });
  const old = visitor.cookie;
  const oldId = idOf(visitor);
  expect((await visitor.request("/api/visitor", { method: "DELETE" })).status).toBe(200);
  // the copy chats: answered, as a new visitor with a cookie of its own
  const copy = new Visitor(app.url);
  copy.cookie = old;
  const turn = await copy.chat({ message: "hello again" });
  expect(copy.cookie).not.toBe(old);
  expect(idOf(copy)).not.toBe(oldId);
  const owners = await db.query<{ user_id: string }>("select user_id from conversation_sessions where id = $1", [turn.sessionId]);
  expect(owners.rows).toEqual([{ user_id: idOf(copy) }]);
  expect((await db.query("select 1 from conversation_sessions where user_id = $1", [oldId])).rowCount).toBe(0);
  // the old cookie reads nothing: no sessions, no messages (old or new), no feedback, no end
  const headers = { cookie: old, "content-type": "application/json" };
  const list = await fetch(`${app.url}/api/sessions`, { headers });
  expect(list.status).toBe(200);
  expect(JSON.stringify(await list.json())).not.toContain(turn.sessionId);
  for (const session of [first.sessionId, turn.sessionId]) {
    expect((await fetch(`${app.url}/api/sessions/${session}/messages`, { headers })).status).toBe(404);
    const feedback = await fetch(`${app.url}/api/sessions/${session}/feedback`, { method: "POST", headers, body: JSON.stringify({ rating: "positive" }) });
    expect(feedback.status).toBe(404);
    expect((await fetch(`${app.url}/api/sessions/${session}/end`, { method: "POST", headers: { cookie: old } })).status).toBe(404);
  }
  // and has nothing left to delete
  expect(await (await fetch(`${app.url}/api/visitor`, { method: "DELETE", headers })).json()).toMatchObject({ erased: false });
});

// the explorer's outputs follow PII_MASKING=export: the list and detail JSON and the CSV export
it.each([
  { kind: "email", raw: "ana.lopez@example.com", mark: "[email]" },
  { kind: "phone", raw: "+44 20 7946 0958", mark: "[phone]" },
  { kind: "card", raw: "4111 1111 1111 1111", mark: "[card]" },
  { kind: "address", raw: "221B Baker Street", mark: "[address]" },
])("the operator API and the CSV export mask a $kind", async ({ raw, mark }) => {
  const visitor = new Visitor(app.url);
  const turn = await visitor.chat({ message: `reach me: ${raw}` });
  const get = (path: string) => fetch(app.url + path, { headers: auth });
  const [listed] = (await (await get(`/api/traces?sessionTag=${turn.sessionTag}`)).json()).traces;
  const { rows: [question] } = await db.query<{ id: string; user_id: string }>(
    "select id, user_id from conversation_messages where session_id = $1 and role = 'user' order by seq limit 1",
    [turn.sessionId],
  );
  await db.query(
    `insert into llm_observations (trace_id, session_id, user_id, message_id, position, kind, name, status, started_at, ended_at, duration_ms,
                                   tool_call_id, arguments, result, error)
     values ($1, $2, $3, $4, 9, 'tool', 'lookup', 'error', now(), now(), 5, 'c9', $5, $6, $7)`,
    [listed.id, turn.sessionId, question.user_id, question.id, JSON.stringify({ contact: raw }), JSON.stringify({ found: raw }), `no order for ${raw}`],
  );
  // the visitor's words in their rating's comment (an operator's review is a score of its own)
  const rated = await visitor.post(`/api/sessions/${turn.sessionId}/feedback`, { rating: "negative", comment: `call ${raw}` });
  expect(rated.status).toBe(200);

  const list = await (await get(`/api/traces?sessionTag=${turn.sessionTag}`)).text();
  const detail = await (await get(`/api/traces/${listed.id}`)).text();
  const csv = await (await get(`/api/traces/export?sessionTag=${turn.sessionTag}`)).text();
  for (const output of [list, detail, csv]) expect(output).not.toContain(raw);
  expect(JSON.parse(list).traces[0].feedbackComment).toBe(`call ${mark}`);
  expect(csv).toContain(`"call ${mark}"`);
  const d = JSON.parse(detail);
  expect(d.messages.find((m: { role: string }) => m.role === "user").content).toBe(`reach me: ${mark}`);
  expect(d.steps.find((s: { name: string }) => s.name === "lookup")).toMatchObject({ arguments: { contact: mark }, result: { found: mark }, error: `no order for ${mark}` });
  // stored as written: masking is on the way out
  const { rows: [stored] } = await db.query<{ content: string }>("select content from conversation_messages where id = $1", [question.id]);
  expect(stored.content).toBe(`reach me: ${raw}`);
});

it("the dashboard shows the OTLP outbox as /api/health does", async () => {
  const res = await fetch(`${app.url}/api/dashboard`, { headers: auth });
  expect(res.status).toBe(200);
  const { outbox } = await res.json();
  expect(outbox).toEqual({
    enabled: true,
    depth: expect.any(Number),
    retrying: expect.any(Number),
    oldestAgeSeconds: outbox.depth > 0 ? expect.any(Number) : null,
    dropped: 0,
    cap: expect.any(Number),
  });
  const page = await (await fetch(`${app.url}/dashboard`, { headers: auth })).text();
  expect(page).toContain('data-testid="outbox-card" data-state="enabled"');
});

it("cross-site erasure requests are refused and change nothing", async () => {
  const visitor = new Visitor(app.url);
  await visitor.chat({ message: "keep my history" });
  const id = idOf(visitor);
  const crossSite = { origin: "https://evil.example", "sec-fetch-site": "cross-site" };
  const own = await fetch(`${app.url}/api/visitor`, { method: "DELETE", headers: { ...crossSite, cookie: visitor.cookie } });
  const operator = await fetch(`${app.url}/api/visitors/${id}`, { method: "DELETE", headers: { ...crossSite, ...auth } });
  for (const res of [own, operator]) {
    expect(res.status).toBe(403);
    expect((await res.json()).error.code).toBe("forbidden:origin");
  }
  const { rows } = await db.query("select count(*)::int as n from conversation_messages where user_id = $1", [id]);
  expect(rows[0].n).toBe(2);
});
