import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { App } from "../support/app";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";

// GET /api/visitors and GET /api/visitors/{id} (the Visitors page's API), and the visitor reference
// the widget's badge copies: the explorer's search box finds exactly one trace with "tag · v:ref".

let app: App;
let db: pg.Pool;
const token = "operator-token-for-visitor-tests";
const auth = { authorization: `Bearer ${token}` };

beforeAll(async () => {
  ({ app, db } = await startAppOnFreshDatabase({ ADMIN_TOKEN: token }));
});
afterAll(() => stopAppAndPool(app, db));

const idOf = (v: Visitor) => v.cookie.split("=")[1].split(".")[0];
const get = (path: string, headers: Record<string, string> = auth) => fetch(`${app.url}${path}`, { headers });

it("answers 401 without an operator, whatever the visitor", async () => {
  for (const path of ["/api/visitors", "/api/visitors/someone", "/api/visitors?q=abc"]) {
    const res = await get(path, {});
    expect(res.status, path).toBe(401);
    expect((await res.json()).error.code).toBe("unauthorized:operator");
  }
});

it("lists visitors newest first with their figures, pages by cursor, and shows one visitor's sessions", async () => {
  const a = new Visitor(app.url);
  const b = new Visitor(app.url);
  const first = await a.chat({ message: "a tent for two" });
  await b.chat({ message: "a rain jacket" });
  const ids = [idOf(a), idOf(b)];

  const res = await get("/api/visitors?limit=1");
  expect(res.status).toBe(200);
  const page1 = await res.json();
  expect(page1.visitors).toHaveLength(1);
  expect(page1.visitors[0]).toMatchObject({
    id: ids[1], ref: ids[1].slice(0, 8), channel: "web", trackingEnabled: true, sessions: 1, traces: 1, messages: 2,
    scores: { helpfulUp: 0, helpfulDown: 0, votesUp: 0, votesDown: 0, operatorScores: 0 },
  });
  expect(typeof page1.visitors[0].costUsd).toBe("number");
  expect(page1.nextCursor).toEqual(expect.any(String));
  const page2 = await (await get(`/api/visitors?limit=1&cursor=${page1.nextCursor}`)).json();
  expect(page2.visitors.map((v: { id: string }) => v.id)).toEqual([ids[0]]);

  // search by the reference
  const found = await (await get(`/api/visitors?q=${ids[0].slice(0, 8)}`)).json();
  expect(found.visitors.map((v: { id: string }) => v.id)).toEqual([ids[0]]);

  const detail = await get(`/api/visitors/${ids[0]}`);
  expect(detail.status).toBe(200);
  const body = await detail.json();
  expect(body.visitor).toMatchObject({ id: ids[0], sessions: 1 });
  expect(body.sessions).toHaveLength(1);
  expect(body.sessions[0]).toMatchObject({
    sessionId: first.sessionId, sessionTag: first.sessionTag, traceId: first.traceId, isActive: true, messages: 2, ending: null, scores: [],
    agent: { key: expect.any(String), name: expect.any(String) },
  });
});

it("answers 404 for an unknown visitor and 400 for a forged cursor", async () => {
  const res = await get("/api/visitors/no-such-visitor");
  expect(res.status).toBe(404);
  expect((await res.json()).error.code).toBe("not_found:visitor");
  const bad = await get("/api/visitors?cursor=not-a-cursor");
  expect(bad.status).toBe(400);
  expect((await bad.json()).error.code).toBe("bad_request:visitors");
});

it("the badge's reference: the chat answer carries it, and \"tag · v:ref\" finds exactly that visitor's trace", async () => {
  const a = new Visitor(app.url);
  const b = new Visitor(app.url);
  const turnA = await a.chat({ message: "hello there" });
  const turnB = await b.chat({ message: "hello there" });
  // tags repeat across visitors by design
  expect(turnA.sessionTag).toBe(turnB.sessionTag);
  expect((turnA as { visitorRef?: string }).visitorRef).toBe(idOf(a).slice(0, 8));
  const byTag = await (await get(`/api/traces?sessionTag=${turnA.sessionTag}`)).json();
  expect(byTag.traces.length).toBeGreaterThanOrEqual(2);
  const pair = encodeURIComponent(`${turnA.sessionTag} · v:${idOf(a).slice(0, 8)}`);
  const found = await (await get(`/api/traces?q=${pair}`)).json();
  expect(found.traces.map((t: { id: string }) => t.id)).toEqual([turnA.traceId]);
  expect(found.traces[0].userId).toBe(idOf(a));
  // the visitor filter takes the reference too; an unknown reference finds nothing
  const filtered = await (await get(`/api/traces?userId=${encodeURIComponent(`v:${idOf(b).slice(0, 8)}`)}`)).json();
  expect(filtered.traces.map((t: { id: string }) => t.id)).toEqual([turnB.traceId]);
  const none = await (await get(`/api/traces?q=${encodeURIComponent(`${turnA.sessionTag} · v:zzzzzzzz`)}`)).json();
  expect(none.traces).toEqual([]);
});
