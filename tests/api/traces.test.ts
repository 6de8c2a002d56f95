import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { Visitor } from "../support/client";
import { freshPostgresUrl } from "../support/databases";

// The operator API: search, detail, feedback, CSV, and who may call it.
let app: App;
let db: pg.Pool;
const token = "operator-token-for-tests-of-32-characters";
const auth = { authorization: `Bearer ${token}` };
let visitor: Visitor;
let tags: string[] = [];

beforeAll(async () => {
  const url = await freshPostgresUrl();
  db = new pg.Pool({ connectionString: url, max: 2 });
  app = await startApp({ DATABASE_URL: url, ADMIN_TOKEN: token });
  // a scripted conversation: 3 sessions (recommendation ×2 calls, pitch ×1, order ×2)
  visitor = new Visitor(app.url);
  const a = await visitor.chat({ message: "a tent", agent: "product_recommendation" });
  await visitor.chat({ message: "lighter please", sessionId: a.sessionId });
  const b = await visitor.chat({ message: "pitch the headlamp", agent: "sales_pitch", sessionId: a.sessionId });
  const c = await visitor.chat({ message: "order 12 mugs", agent: "order_assistant", sessionId: b.sessionId });
  await visitor.chat({ message: "I'm Ana", sessionId: c.sessionId });
  tags = [a.sessionTag, b.sessionTag, c.sessionTag];
});
afterAll(async () => {
  await app?.stop();
  await db?.end();
});

const get = (path: string, headers: Record<string, string> = auth) => fetch(app.url + path, { headers });

it("401 without a token, with a wrong token, and with a visitor cookie", async () => {
  for (const headers of [{} as Record<string, string>, { authorization: "Bearer nope" }, { cookie: visitor.cookie }, { authorization: "Basic x" }]) {
    const res = await get("/api/traces", headers);
    expect(res.status).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized:operator");
  }
  expect((await get("/api/traces/export", { cookie: visitor.cookie })).status).toBe(401);
});

it("finds the scripted conversation by exact tag and by substring, with totals that add up", async () => {
  const exact = await (await get(`/api/traces?sessionTag=${tags[2]}`)).json();
  expect(exact.traces).toHaveLength(1);
  expect(exact.traces[0]).toMatchObject({ sessionTag: tags[2], agentType: "order_assistant", llmCalls: 2, model: "offline", feedback: "pending" });
  expect(exact.traces[0].totalTokens).toBe(exact.traces[0].inputTokens + exact.traces[0].outputTokens);
  const sub = await (await get(`/api/traces?q=${tags[0].slice(11, 17)}`)).json();
  expect(sub.traces.map((t: { sessionTag: string }) => t.sessionTag).sort()).toEqual([...tags].sort());
  expect(sub.traces.map((t: { llmCalls: number }) => t.llmCalls).sort()).toEqual([1, 2, 2]);
  console.log(`GET /api/traces?q=${tags[0].slice(11, 17)}\n${JSON.stringify(sub, null, 2)}`);
});

it("pages with a cursor and rejects bad query strings with 400", async () => {
  const p1 = await (await get("/api/traces?limit=2")).json();
  expect(p1.traces).toHaveLength(2);
  const p2 = await (await get(`/api/traces?limit=2&cursor=${p1.nextCursor}`)).json();
  expect(p2.nextCursor).toBeNull();
  const ids = [...p1.traces, ...p2.traces].map((t: { id: string }) => t.id);
  expect(new Set(ids).size).toBe(3);
  for (const bad of ["limit=0", "limit=201", "limit=-5", "limit=abc", "feedback=meh", "from=notadate", "cursor=xyz", "sort=password", "agent=DROP%20TABLE", `cursor=${p1.nextCursor}&sort=latency_ms`]) {
    const res = await get(`/api/traces?${bad}`);
    expect(res.status, bad).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request:traces");
  }
});

it("detail has the conversation in order and the lifecycle; operators set and clear feedback", async () => {
  const [t] = (await (await get(`/api/traces?sessionTag=${tags[1]}`)).json()).traces;
  const d = await (await get(`/api/traces/${t.id}`)).json();
  expect(d.messages.map((m: { role: string }) => m.role)).toEqual(["user", "agent"]);
  expect(d.events.map((e: { event: string; reason: string }) => `${e.event}:${e.reason}`)).toEqual(
    expect.arrayContaining(["started:agent_switch", "switched:agent_switch", "ended:agent_switch"]),
  );
  expect(d.visitorSessions).toHaveLength(3);
  const set = await fetch(`${app.url}/api/traces/${t.id}/feedback`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ rating: "negative", comment: "too pushy" }) });
  expect(await set.json()).toMatchObject({ feedback: "negative", comment: "too pushy" });
  const filtered = await (await get("/api/traces?feedback=negative")).json();
  expect(filtered.traces.map((x: { id: string }) => x.id)).toEqual([t.id]);
  await fetch(`${app.url}/api/traces/${t.id}/feedback`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ rating: "pending" }) });
  expect((await (await get("/api/traces?feedback=negative")).json()).traces).toHaveLength(0);
  expect((await get("/api/traces/00000000-0000-4000-8000-000000000000")).status).toBe(404);
});

it("exports a search as CSV", async () => {
  const res = await get(`/api/traces/export?q=${tags[0].slice(11, 17)}`);
  expect(res.headers.get("content-type")).toContain("text/csv");
  const lines = (await res.text()).trim().split("\n");
  expect(lines[0]).toBe("id,sessionId,sessionTag,userId,agentType,model,experimentName,llmCalls,inputTokens,outputTokens,totalTokens,latencyMs,status,feedback,feedbackComment,createdAt,updatedAt");
  expect(lines).toHaveLength(4);
  expect(lines.slice(1).map((l) => l.split(",")[2].replace(/^"|"$/g, "")).sort()).toEqual([...tags].sort());
});

it("the login form sets an operator cookie; a wrong token is 401", async () => {
  const bad = await fetch(`${app.url}/api/operator/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token: "wrong" }) });
  expect(bad.status).toBe(401);
  const ok = await fetch(`${app.url}/api/operator/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) });
  const cookie = ok.headers.get("set-cookie")!.split(";")[0];
  expect(ok.headers.get("set-cookie")).toMatch(/HttpOnly/);
  expect((await get("/api/traces", { cookie })).status).toBe(200);
});
