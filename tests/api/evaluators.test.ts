import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { Visitor } from "../support/client";
import { freshPostgresUrl } from "../support/databases";

// Evaluators over HTTP (docs/architecture.md, "Evaluators"): list rules and judges, create a judge,
// attach evaluators to an agent with a sample rate, typed errors, operators only, cross-site refusal;
// the app's poller grades a new trace of the agent and /api/health shows the queue.
let app: App;
let db: pg.Pool;
const token = "operator-token-for-tests-of-32-characters";
const bearer = { authorization: `Bearer ${token}` };
let cookie: Record<string, string>;

beforeAll(async () => {
  const url = await freshPostgresUrl();
  db = new pg.Pool({ connectionString: url, max: 2 });
  app = await startApp({ DATABASE_URL: url, ADMIN_TOKEN: token, EVALUATION_POLL_MS: "200" });
  const login = await fetch(`${app.url}/api/operator/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) });
  cookie = { cookie: login.headers.get("set-cookie")!.split(";")[0] };
});
afterAll(async () => {
  await app?.stop();
  await db?.end();
});

const call = (path: string, method: string, headers: Record<string, string>, body?: unknown) =>
  fetch(app.url + path, { method, headers: { ...headers, ...(body === undefined ? {} : { "content-type": "application/json" }) }, body: body === undefined ? undefined : JSON.stringify(body) });

const judge = { kind: "judge", name: "tent_judge", scoreConfig: "judge_helpfulness", modelKey: "offline", promptTemplate: "Does {reply} answer the visitor? {conversation}" };

it("is for operators only", async () => {
  const res = await call("/api/evaluators", "GET", {});
  expect([res.status, (await res.json()).error.code]).toEqual([401, "unauthorized:operator"]);
  expect((await call("/api/agents/sales_pitch/evaluators", "PUT", {}, { evaluators: [] })).status).toBe(401);
});

it("lists the rule and judge evaluators, creates a judge, refuses a taken name (409) and bad bodies (400)", async () => {
  const list = await (await call("/api/evaluators", "GET", cookie)).json();
  expect(list.evaluators.map((e: { kind: string; name: string }) => `${e.kind}:${e.name}`)).toEqual(expect.arrayContaining([
    "rule:catalog_products_exist", "rule:order_confirmed_with_contact", "rule:expected_tool_calls", "rule:reply_under_chars", "judge:helpfulness_judge",
  ]));
  const created = await call("/api/evaluators", "POST", bearer, judge);
  expect(created.status).toBe(201);
  expect((await created.json()).evaluator).toMatchObject({ name: "tent_judge", kind: "judge", scoreConfig: "judge_helpfulness", modelKey: "offline", createdBy: "admin" });
  const rule = await call("/api/evaluators", "POST", cookie, { kind: "rule", name: "short_replies", rule: "reply_under_chars", options: { max_chars: 80 } });
  expect(rule.status).toBe(201);
  expect((await rule.json()).evaluator).toMatchObject({ kind: "rule", rule: "reply_under_chars", scoreConfig: "reply_under_chars", options: { max_chars: 80 } });
  const taken = await call("/api/evaluators", "POST", bearer, judge);
  expect([taken.status, (await taken.json()).error.code]).toEqual([409, "conflict:evaluator"]);
  for (const bad of [
    { ...judge, name: "no_reply", promptTemplate: "Grade it." },
    { ...judge, name: "categorical", scoreConfig: "quality" },
    { ...judge, name: "no_config", scoreConfig: "nothing_here" },
    { ...judge, name: "Bad Name" },
    { kind: "rule", name: "made_up", rule: "sounds_nice" },
    { kind: "other", name: "x" },
  ]) {
    const res = await call("/api/evaluators", "POST", bearer, bad);
    expect(res.status, JSON.stringify(bad)).toBe(400);
    expect((await res.json()).error.code, JSON.stringify(bad)).toBe("bad_request:evaluator");
  }
});

it("attaches evaluators to an agent with a sample rate; 404 for an unknown agent, 400 for a bad rate or evaluator, 403 cross-site", async () => {
  const put = await call("/api/agents/sales_pitch/evaluators", "PUT", cookie, { evaluators: [{ name: "tent_judge", sampleRate: 1 }, { name: "reply_under_chars", sampleRate: 0 }] });
  expect(put.status).toBe(200);
  expect(await put.json()).toMatchObject({ agent: "sales_pitch", evaluators: [{ name: "reply_under_chars", sampleRate: 0, attachedBy: "admin" }, { name: "tent_judge", kind: "judge", sampleRate: 1 }] });
  expect((await (await call("/api/agents/sales_pitch/evaluators", "GET", bearer)).json()).evaluators).toHaveLength(2);
  const unknownAgent = await call("/api/agents/nobody/evaluators", "PUT", bearer, { evaluators: [] });
  expect([unknownAgent.status, (await unknownAgent.json()).error.code]).toEqual([404, "not_found:agent"]);
  for (const bad of [{ evaluators: [{ name: "tent_judge", sampleRate: 2 }] }, { evaluators: [{ name: "nothing_here", sampleRate: 1 }] }, { evaluators: "all" }]) {
    const res = await call("/api/agents/sales_pitch/evaluators", "PUT", bearer, bad);
    expect(res.status, JSON.stringify(bad)).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request:evaluator");
  }
  const crossSite = await call("/api/agents/sales_pitch/evaluators", "PUT", { ...cookie, origin: "https://evil.example", "sec-fetch-site": "cross-site" }, { evaluators: [] });
  expect([crossSite.status, (await crossSite.json()).error.code]).toEqual([403, "forbidden:origin"]);
  const crossPost = await call("/api/evaluators", "POST", { ...cookie, origin: "https://evil.example", "sec-fetch-site": "cross-site" }, { ...judge, name: "evil" });
  expect(crossPost.status).toBe(403);
});

it("a new trace of the agent is graded by the app's poller after the turn; /api/health shows the queue", async () => {
  const visitor = new Visitor(app.url);
  const turn = await visitor.chat({ message: "tell me about the tent", agent: "sales_pitch" });
  const [trace] = (await db.query("select id from llm_traces where session_id = $1", [turn.sessionId])).rows;
  let scores: { name: string; source: string; author: string; value: unknown; comment: string }[] = [];
  for (let i = 0; i < 100 && scores.length === 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    scores = (await (await call(`/api/scores?traceId=${trace.id}`, "GET", bearer)).json()).scores.filter((s: { source: string }) => s.source === "evaluator");
  }
  const [evaluator] = (await db.query("select id from evaluators where name = 'tent_judge'")).rows;
  expect(scores).toEqual([expect.objectContaining({ name: "judge_helpfulness", source: "evaluator", author: evaluator.id, value: 1, comment: "The reply answers the visitor." })]);
  const health = await (await call("/api/health", "GET", bearer)).json();
  expect(health.queues.evaluation_jobs).toMatchObject({ open: 0, retrying: 0, dead: 0 });
  // detached: the next trace is not queued
  await call("/api/agents/sales_pitch/evaluators", "PUT", bearer, { evaluators: [] });
  const next = await new Visitor(app.url).chat({ message: "and a stove?", agent: "sales_pitch" });
  const jobs = (await db.query("select count(*)::int as n from evaluation_jobs j join llm_traces t on t.id = j.trace_id where t.session_id = $1", [next.sessionId])).rows;
  expect(jobs[0].n).toBe(0);
});

it("PATCH /api/evaluators/{id} {archived}: an archived evaluator is left out of the list (listed with ?archived=true) and cannot be attached; typed errors", async () => {
  const created = (await (await call("/api/evaluators", "POST", bearer, { kind: "rule", name: "old_rule", rule: "reply_under_chars" })).json()).evaluator;
  const path = `/api/evaluators/${created.id}`;
  const archived = await call(path, "PATCH", bearer, { archived: true });
  expect(archived.status).toBe(200);
  expect((await archived.json()).evaluator).toMatchObject({ id: created.id, name: "old_rule", archived: true });
  const names = async (query = "") => ((await (await call(`/api/evaluators${query}`, "GET", bearer)).json()).evaluators as { name: string }[]).map((e) => e.name);
  expect(await names()).not.toContain("old_rule");
  expect(await names("?archived=true")).toContain("old_rule");
  const attach = await call("/api/agents/order_assistant/evaluators", "PUT", bearer, { evaluators: [{ name: "old_rule", sampleRate: 1 }] });
  expect([attach.status, (await attach.json()).error.code]).toEqual([400, "bad_request:evaluator"]);
  expect((await (await call(path, "PATCH", cookie, { archived: false })).json()).evaluator).toMatchObject({ archived: false });
  expect(await names()).toContain("old_rule");

  const codes = async (r: Response) => [r.status, (await r.json()).error.code];
  expect(await codes(await call(path, "PATCH", bearer, {}))).toEqual([400, "bad_request:evaluator"]);
  expect(await codes(await call("/api/evaluators/00000000-0000-4000-8000-000000000000", "PATCH", bearer, { archived: true }))).toEqual([404, "not_found:evaluator"]);
  expect(await codes(await call(path, "PATCH", {}, { archived: true }))).toEqual([401, "unauthorized:operator"]);
  expect(await codes(await call(path, "PATCH", { ...cookie, origin: "https://evil.example", "sec-fetch-site": "cross-site" }, { archived: true })))
    .toEqual([403, "forbidden:origin"]);
});
