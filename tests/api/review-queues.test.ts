import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { Visitor } from "../support/client";
import { freshPostgresUrl } from "../support/databases";

// Review queues over HTTP (docs/architecture.md, "Review queues"), on two production instances sharing
// one PostgreSQL: create and read a queue, traces fed by a visitor's negative rating, reviewers (seats)
// on both instances asking for `next` at once never share an item, complete with scores, skip, 204 when
// nothing is free, typed errors, operators only, cross-site writes refused.
let a: App;
let b: App;
let db: pg.Pool;
const token = "operator-token-for-tests-of-32-characters";
const bearer = { authorization: `Bearer ${token}` };

beforeAll(async () => {
  const url = await freshPostgresUrl();
  db = new pg.Pool({ connectionString: url, max: 2 });
  [a, b] = await Promise.all([startApp({ DATABASE_URL: url, ADMIN_TOKEN: token }), startApp({ DATABASE_URL: url, ADMIN_TOKEN: token })]);
});
afterAll(async () => {
  await Promise.all([a?.stop(), b?.stop()]);
  await db?.end();
});

const call = (app: App, path: string, method: string, headers: Record<string, string>, body?: unknown) =>
  fetch(app.url + path, { method, headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) }, body: body === undefined ? undefined : JSON.stringify(body) });

it("a queue fed by negative visitor ratings: two instances' reviewers never get the same item, complete with scores, skip, 204 at the end", async () => {
  const created = await call(a, "/api/review-queues", "POST", bearer, { name: "Unhappy visitors", scoreConfigs: ["quality", "helpful"], feed: { negativeVisitorScore: true } });
  expect(created.status).toBe(201);
  const queue = await created.json();
  expect(queue).toMatchObject({ name: "Unhappy visitors", feed: { negativeVisitorScore: true, failedStep: false }, scoreConfigs: [{ name: "quality" }, { name: "helpful" }], counts: { total: 0 } });

  // eight visitors chat and say "not helpful"; one says "helpful"
  const traces: string[] = [];
  for (let i = 0; i < 9; i++) {
    const v = new Visitor(i % 2 ? a.url : b.url);
    const turn = await v.chat({ message: "a tent for two", agent: "product_recommendation" });
    expect((await v.post(`/api/sessions/${turn.sessionId}/feedback`, { rating: i === 8 ? "positive" : "negative" })).status).toBe(200);
    traces.push((await db.query("select id from llm_traces where session_id = $1", [turn.sessionId])).rows[0].id);
  }
  const detail = await (await call(b, `/api/review-queues/${queue.id}`, "GET", bearer)).json();
  expect(detail.counts).toEqual({ pending: 8, inReview: 0, completed: 0, skipped: 0, total: 8 });

  // eight reviewers, half on each instance, ask at once: eight different items, the positive trace in none
  const leased = await Promise.all(Array.from({ length: 8 }, async (_, i) => {
    const r = await call(i % 2 ? a : b, `/api/review-queues/${queue.id}/next`, "POST", bearer, { seat: `seat-${i}` });
    expect(r.status).toBe(200);
    return (await r.json()).item as { id: string; traceId: string; status: string; reason: string };
  }));
  expect(new Set(leased.map((x) => x.id)).size).toBe(8);
  expect(new Set(leased.map((x) => x.traceId))).toEqual(new Set(traces.slice(0, 8)));
  expect(leased.every((x) => x.status === "in_review" && x.reason === "negative_visitor_score")).toBe(true);
  expect((await call(a, `/api/review-queues/${queue.id}/next`, "POST", bearer, { seat: "late" })).status).toBe(204);
  // the same seat asking again gets its own item back
  const again = await (await call(a, `/api/review-queues/${queue.id}/next`, "POST", bearer, { seat: "seat-0" })).json();
  expect(again.item.id).toBe(leased[0].id);

  // another seat cannot finish it; its holder completes it with scores, written as the caller's own
  const stolen = await call(b, `/api/review-queues/${queue.id}/items/${leased[0].id}/complete`, "POST", bearer, { seat: "seat-1" });
  expect([stolen.status, (await stolen.json()).error.code]).toEqual([409, "conflict:review_item"]);
  const done = await call(b, `/api/review-queues/${queue.id}/items/${leased[0].id}/complete`, "POST", bearer,
    { seat: "seat-0", scores: [{ name: "quality", value: "poor", comment: "wrong tent" }, { name: "helpful", value: false }] });
  expect(done.status).toBe(200);
  expect(await done.json()).toMatchObject({ item: { status: "completed" }, queue: { counts: { completed: 1, inReview: 7 } } });
  const scores = (await (await call(a, `/api/scores?traceId=${leased[0].traceId}`, "GET", bearer)).json()).scores as { name: string; source: string; value: unknown }[];
  expect(scores.filter((s) => s.source === "api").map((s) => [s.name, s.value]).sort()).toEqual([["helpful", false], ["quality", "poor"]]);

  const skipped = await call(a, `/api/review-queues/${queue.id}/items/${leased[1].id}/skip`, "POST", bearer, { seat: "seat-1" });
  expect(await skipped.json()).toMatchObject({ item: { status: "skipped" }, queue: { counts: { completed: 1, skipped: 1, inReview: 6, pending: 0 } } });
  const back = await (await call(a, `/api/review-queues/${queue.id}/previous`, "POST", bearer, { seat: "seat-0" })).json();
  expect(back.item.id).toBe(leased[0].id);
  const list = await (await call(b, "/api/review-queues", "GET", bearer)).json();
  expect(list.queues.map((q: { id: string }) => q.id)).toContain(queue.id);
});

it("typed errors: a taken name 409, no feed rule or a bad body 400, an unknown queue 404, no operator 401, a cross-site write 403", async () => {
  const body = { name: "Failed steps", scoreConfigs: ["quality"], feed: { failedStep: true } };
  expect((await call(a, "/api/review-queues", "POST", bearer, body)).status).toBe(201);
  const codes = async (r: Response) => [r.status, (await r.json()).error.code];
  expect(await codes(await call(b, "/api/review-queues", "POST", bearer, body))).toEqual([409, "conflict:review_queue"]);
  expect(await codes(await call(a, "/api/review-queues", "POST", bearer, { ...body, name: "x", feed: {} }))).toEqual([400, "bad_request:review_queue"]);
  expect(await codes(await call(a, "/api/review-queues", "POST", bearer, { ...body, name: "y", feed: { sampleRate: 2 } }))).toEqual([400, "bad_request:review_queue"]);
  expect(await codes(await call(a, "/api/review-queues", "POST", bearer, { ...body, name: "z", scoreConfigs: ["nope"] }))).toEqual([400, "bad_request:review_queue"]);
  expect(await codes(await call(a, "/api/review-queues/00000000-0000-4000-8000-000000000000/next", "POST", bearer))).toEqual([404, "not_found:review_queue"]);
  expect(await codes(await call(a, "/api/review-queues/not-a-uuid", "GET", bearer))).toEqual([404, "not_found:review_queue"]);
  expect(await codes(await call(a, "/api/review-queues", "GET", {}))).toEqual([401, "unauthorized:operator"]);
  expect(await codes(await call(a, "/api/review-queues", "POST", { ...bearer, origin: "https://evil.example", "sec-fetch-site": "cross-site" }, { ...body, name: "w" })))
    .toEqual([403, "forbidden:origin"]);
});

it("PATCH {archived}: an archived queue is fed no more and left out of the list (listed with ?archived=true), its items stay; typed errors", async () => {
  const created = await (await call(a, "/api/review-queues", "POST", bearer, { name: "Everything", scoreConfigs: ["quality"], feed: { sampleRate: 1 } })).json();
  const path = `/api/review-queues/${created.id}`;
  await new Visitor(a.url).chat({ message: "hello" });
  const archived = await call(b, path, "PATCH", bearer, { archived: true });
  expect(archived.status).toBe(200);
  expect(await archived.json()).toMatchObject({ id: created.id, archived: true, counts: { total: 1 } });
  await new Visitor(a.url).chat({ message: "hello again" });
  expect(await (await call(a, path, "GET", bearer)).json()).toMatchObject({ archived: true, counts: { total: 1 } });
  const ids = async (query = "") => ((await (await call(a, `/api/review-queues${query}`, "GET", bearer)).json()).queues as { id: string }[]).map((q) => q.id);
  expect(await ids()).not.toContain(created.id);
  expect(await ids("?archived=true")).toContain(created.id);
  // brought back: listed and fed again
  expect(await (await call(a, path, "PATCH", bearer, { archived: false })).json()).toMatchObject({ archived: false });
  await new Visitor(a.url).chat({ message: "and again" });
  expect(await (await call(a, path, "GET", bearer)).json()).toMatchObject({ counts: { total: 2 } });
  expect(await ids()).toContain(created.id);

  const codes = async (r: Response) => [r.status, (await r.json()).error.code];
  expect(await codes(await call(a, path, "PATCH", bearer, { archived: "yes" }))).toEqual([400, "bad_request:review_queue"]);
  expect(await codes(await call(a, path, "PATCH", bearer, { archived: true, name: "x" }))).toEqual([400, "bad_request:review_queue"]);
  expect(await codes(await call(a, "/api/review-queues/00000000-0000-4000-8000-000000000000", "PATCH", bearer, { archived: true }))).toEqual([404, "not_found:review_queue"]);
  expect(await codes(await call(a, path, "PATCH", {}, { archived: true }))).toEqual([401, "unauthorized:operator"]);
  expect(await codes(await call(a, path, "PATCH", { ...bearer, origin: "https://evil.example", "sec-fetch-site": "cross-site" }, { archived: true })))
    .toEqual([403, "forbidden:origin"]);
  expect(await (await call(a, path, "GET", bearer)).json()).toMatchObject({ archived: false });
});
