import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { App } from "../support/app";
import { cookieOf, operatorLogin, Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";

// Scores and comments over HTTP (docs/rules.md, "Scores and comments"): the old feedback routes write
// scores of their own source, the scores and comments API with the Bearer token (source `api`) and
// the login cookie (source `operator`), typed errors, own-only deletes and edits, cross-site refusal.
let app: App;
let db: pg.Pool;
const token = "operator-token-for-tests-of-32-characters";
const bearer = { authorization: `Bearer ${token}` };
let cookie: Record<string, string>;
let visitor: Visitor;
let sessionId: string;
let traceId: string;
let replyId: string;

beforeAll(async () => {
  ({ app, db } = await startAppOnFreshDatabase({ ADMIN_TOKEN: token }));
  visitor = new Visitor(app.url);
  const turn = await visitor.chat({ message: "a tent for two", agent: "product_recommendation" });
  sessionId = turn.sessionId;
  const [row] = (await db.query("select t.id, m.id as reply_id from llm_traces t join conversation_messages m on m.session_id = t.session_id and m.role = 'agent' where t.session_id = $1", [sessionId])).rows;
  traceId = row.id;
  replyId = row.reply_id;
  cookie = { cookie: cookieOf(await operatorLogin(app.url, token)) };
});
afterAll(() => stopAppAndPool(app, db));

const call = (path: string, method: string, headers: Record<string, string>, body?: unknown) =>
  fetch(app.url + path, { method, headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) }, body: body === undefined ? undefined : JSON.stringify(body) });
const scores = async () => (await (await call(`/api/scores?traceId=${traceId}`, "GET", bearer)).json()).scores as Record<string, unknown>[];

it("the operator's negative rating with a comment survives the visitor's positive one, each shown with its source (issue 22)", async () => {
  const operator = await call(`/api/traces/${traceId}/feedback`, "POST", bearer, { rating: "negative", comment: "promised a tent we do not sell" });
  expect(operator.status).toBe(200);
  expect(await operator.json()).toMatchObject({ feedback: "negative", comment: "promised a tent we do not sell" });
  const visitorRating = await visitor.post(`/api/sessions/${sessionId}/feedback`, { rating: "positive" });
  expect(visitorRating.status).toBe(200);

  const helpful = (await scores()).filter((s) => s.name === "helpful");
  expect(helpful.map((s) => [s.source, s.value, s.comment])).toEqual([
    ["api", false, "promised a tent we do not sell"],
    ["visitor", true, null],
  ]);
  // the trace's counter is the visitor's rating, as the explorer's feedback column and the dashboard read it
  const [row] = (await (await call(`/api/traces?sessionTag=${(await db.query("select session_tag from llm_traces where id = $1", [traceId])).rows[0].session_tag}`, "GET", bearer)).json()).traces;
  expect(row).toMatchObject({ feedback: "positive", scores: expect.arrayContaining([{ name: "helpful", source: "api", author: "admin", value: false }]) });
});

it("score configs: list the seeded ones, create one, refuse a taken name (409) and a bad shape (400)", async () => {
  const list = await (await call("/api/score-configs", "GET", cookie)).json();
  expect(list.configs.map((c: { name: string }) => c.name)).toEqual(expect.arrayContaining(["helpful", "quality", "vote"]));
  const created = await call("/api/score-configs", "POST", bearer, { name: "tone", dataType: "numeric", min: 1, max: 5, description: "How friendly" });
  expect(created.status).toBe(201);
  expect(await created.json()).toMatchObject({ id: expect.any(String), name: "tone", dataType: "numeric", min: 1, max: 5 });
  const taken = await call("/api/score-configs", "POST", bearer, { name: "tone", dataType: "boolean" });
  expect([taken.status, (await taken.json()).error.code]).toEqual([409, "conflict:score_config"]);
  for (const bad of [{ name: "x", dataType: "color" }, { name: "Bad Name", dataType: "boolean" }, { name: "span", dataType: "numeric", min: 5, max: 1 }, { name: "c", dataType: "categorical" }]) {
    const res = await call("/api/score-configs", "POST", bearer, bad);
    expect(res.status, JSON.stringify(bad)).toBe(400);
    expect((await res.json()).error.code).toMatch(/^bad_request:score_config$/);
  }
});

it("POST /api/scores: source operator with the login cookie, api with the Bearer token; an edit replaces only the caller's own", async () => {
  const asOperator = await call("/api/scores", "POST", cookie, { traceId, name: "tone", value: 4, comment: "warm" });
  expect(asOperator.status).toBe(200);
  const first = await asOperator.json();
  expect(first).toMatchObject({ name: "tone", value: 4, source: "operator", author: "admin", comment: "warm", mine: true });
  const asApi = await (await call("/api/scores", "POST", bearer, { traceId, name: "tone", value: 2 })).json();
  expect(asApi).toMatchObject({ source: "api", value: 2 });
  const edited = await (await call("/api/scores", "POST", cookie, { traceId, name: "tone", value: 5 })).json();
  expect(edited).toMatchObject({ id: first.id, value: 5, comment: null });
  const tone = (await scores()).filter((s) => s.name === "tone");
  expect(tone.map((s) => [s.source, s.value])).toEqual([["operator", 5], ["api", 2]]);
  // a vote on one message
  const vote = await call("/api/scores", "POST", bearer, { messageId: replyId, name: "vote", value: false });
  expect(await vote.json()).toMatchObject({ messageId: replyId, value: false, source: "api" });
});

it("refuses a value outside its config (400 bad_request:score), a bad body, an unknown target (404), and no operator (401)", async () => {
  for (const body of [
    { traceId, name: "tone", value: 9 }, { traceId, name: "quality", value: "superb" }, { traceId, name: "helpful", value: "maybe" },
    { traceId, name: "nope", value: 1 }, { name: "tone", value: 3 }, { traceId, messageId: replyId, name: "tone", value: 3 }, { traceId, name: "tone", value: 3, extra: 1 },
  ]) {
    const res = await call("/api/scores", "POST", bearer, body);
    expect(res.status, JSON.stringify(body)).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request:score");
  }
  const unknown = await call("/api/scores", "POST", bearer, { traceId: "00000000-0000-4000-8000-000000000000", name: "tone", value: 3 });
  expect([unknown.status, (await unknown.json()).error.code]).toEqual([404, "not_found:trace"]);
  expect((await call(`/api/scores?traceId=${traceId}`, "GET", {})).status).toBe(401);
  expect((await call(`/api/scores?traceId=nope`, "GET", bearer)).status).toBe(400);
  const crossSite = await call("/api/scores", "POST", { ...cookie, origin: "https://evil.example", "sec-fetch-site": "cross-site" }, { traceId, name: "tone", value: 3 });
  expect([crossSite.status, (await crossSite.json()).error.code]).toEqual([403, "forbidden:origin"]);
});

it("DELETE /api/scores/{id}: the caller's own only (403 another's, 404 none)", async () => {
  const own = (await scores()).find((s) => s.name === "tone" && s.source === "operator")!;
  const notMine = await call(`/api/scores/${own.id}`, "DELETE", bearer);
  expect([notMine.status, (await notMine.json()).error.code]).toEqual([403, "forbidden:score"]);
  expect((await call(`/api/scores/${own.id}`, "DELETE", cookie)).status).toBe(200);
  expect((await call(`/api/scores/${own.id}`, "DELETE", cookie)).status).toBe(404);
  expect((await call("/api/scores/not-a-uuid", "DELETE", cookie)).status).toBe(404);
});

it("explorer: GET /api/traces filters by a score and validates the filter", async () => {
  const ids = async (qs: string) => (await (await call(`/api/traces?${qs}`, "GET", bearer)).json()).traces.map((t: { id: string }) => t.id);
  expect(await ids("score=tone&scoreOp=lte&scoreValue=2")).toEqual([traceId]);
  expect(await ids("score=tone&scoreOp=gt&scoreValue=2")).toEqual([]);
  expect(await ids("score=helpful")).toEqual([traceId]);
  for (const bad of ["score=tone&scoreOp=near&scoreValue=1", "score=tone&scoreValue=abc", "scoreOp=lt&scoreValue=1", "score=Bad%20Name"]) {
    const res = await call(`/api/traces?${bad}`, "GET", bearer);
    expect(res.status, bad).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request:traces");
  }
  const csv = await (await call(`/api/traces/export?score=tone`, "GET", bearer)).text();
  expect(csv.split("\n")[0]).toContain("feedbackComment,commentsCount,scores,createdAt");
  expect(csv).toContain("tone api admin=2");
});

it("comments: add on the trace and on a message, list in order, edit and delete only one's own", async () => {
  const a = await call(`/api/traces/${traceId}/comments`, "POST", cookie, { content: "Check the catalog answer" });
  expect(a.status).toBe(201);
  const first = await a.json();
  const second = await (await call(`/api/traces/${traceId}/comments`, "POST", bearer, { content: "This reply", messageId: replyId })).json();
  expect(second).toMatchObject({ messageId: replyId, author: "admin" });
  const list = await (await call(`/api/traces/${traceId}/comments`, "GET", cookie)).json();
  expect(list.comments.map((c: { content: string }) => c.content)).toEqual(["Check the catalog answer", "This reply"]);
  const edited = await call(`/api/traces/${traceId}/comments/${first.id}`, "PATCH", cookie, { content: "Checked: fine" });
  expect(await edited.json()).toMatchObject({ id: first.id, content: "Checked: fine" });
  // another author's comment (a Supabase operator's, written in SQL) is 403 to edit or delete
  const other = (await db.query("select public.add_trace_comment($1, 'another-operator', 'theirs') as c", [traceId])).rows[0].c;
  const forbidden = await call(`/api/traces/${traceId}/comments/${other.id}`, "PATCH", cookie, { content: "mine now" });
  expect([forbidden.status, (await forbidden.json()).error.code]).toEqual([403, "forbidden:comment"]);
  expect((await call(`/api/traces/${traceId}/comments/${other.id}`, "DELETE", bearer)).status).toBe(403);
  expect((await call(`/api/traces/${traceId}/comments/${first.id}`, "DELETE", cookie)).status).toBe(200);
  for (const [body, status] of [[{ content: "" }, 400], [{ content: "x", messageId: "00000000-0000-4000-8000-000000000000" }, 404]] as const) {
    expect((await call(`/api/traces/${traceId}/comments`, "POST", cookie, body)).status).toBe(status);
  }
  const [row] = (await db.query("select comments_count from llm_traces where id = $1", [traceId])).rows;
  expect(row.comments_count).toBe(2);
});
