import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { App } from "../support/app";
import { cookieOf, operatorLogin, Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";

// The operator API: search, detail, feedback, CSV, and who may call it.
let app: App;
let db: pg.Pool;
const token = "operator-token-for-tests-of-32-characters";
const auth = { authorization: `Bearer ${token}` };
let visitor: Visitor;
let tags: string[] = [];

beforeAll(async () => {
  ({ app, db } = await startAppOnFreshDatabase({ ADMIN_TOKEN: token }));
  // a scripted conversation: 3 sessions (recommendation ×2 calls, pitch ×1, order ×2)
  visitor = new Visitor(app.url);
  const a = await visitor.chat({ message: "a tent", agent: "product_recommendation" });
  await visitor.chat({ message: "lighter please", sessionId: a.sessionId });
  const b = await visitor.chat({ message: "pitch the headlamp", agent: "sales_pitch", sessionId: a.sessionId });
  const c = await visitor.chat({ message: "order 12 mugs", agent: "order_assistant", sessionId: b.sessionId });
  await visitor.chat({ message: "I'm Ana", sessionId: c.sessionId });
  tags = [a.sessionTag, b.sessionTag, c.sessionTag];
});
afterAll(() => stopAppAndPool(app, db));

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
  // llm_calls counts the generation observations of the trace (each tool step is a model call too)
  const generations = async (tag: string) =>
    (await db.query("select count(*)::int as n from llm_observations o join llm_traces t on t.id = o.trace_id where t.session_tag = $1 and o.kind = 'generation'", [tag])).rows[0].n as number;
  expect(exact.traces[0]).toMatchObject({ sessionTag: tags[2], agentType: "order_assistant", llmCalls: await generations(tags[2]), model: "offline", feedback: "pending" });
  expect(exact.traces[0].llmCalls).toBeGreaterThanOrEqual(4);
  expect(exact.traces[0].totalTokens).toBe(exact.traces[0].inputTokens + exact.traces[0].outputTokens);
  const sub = await (await get(`/api/traces?q=${tags[0].slice(11, 17)}`)).json();
  expect(sub.traces.map((t: { sessionTag: string }) => t.sessionTag).sort()).toEqual([...tags].sort());
  for (const t of sub.traces as { sessionTag: string; llmCalls: number }[]) expect(t.llmCalls).toBe(await generations(t.sessionTag));
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
  // the operator's review is their own helpful score (docs/rules.md, "Scores and comments"); the trace's
  // feedback stays the visitor's rating
  const filtered = await (await get("/api/traces?score=helpful&scoreOp=eq&scoreValue=0")).json();
  expect(filtered.traces.map((x: { id: string; feedback: string }) => [x.id, x.feedback])).toEqual([[t.id, "pending"]]);
  await fetch(`${app.url}/api/traces/${t.id}/feedback`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ rating: "pending" }) });
  expect((await (await get("/api/traces?score=helpful")).json()).traces).toHaveLength(0);
  expect((await get("/api/traces/00000000-0000-4000-8000-000000000000")).status).toBe(404);
});

it("exports a search as CSV", async () => {
  const res = await get(`/api/traces/export?q=${tags[0].slice(11, 17)}`);
  expect(res.headers.get("content-type")).toContain("text/csv");
  const lines = (await res.text()).trim().split("\n");
  expect(lines[0]).toBe(
    "id,sessionId,sessionTag,userId,channel,agentType,agentVersion,model,experimentName,llmCalls,inputTokens,outputTokens,totalTokens,latencyMs," +
      "costUsd,toolCalls,errorCount,toolsUsed,votesUp,votesDown,status,feedback,feedbackComment,commentsCount,scores,createdAt,updatedAt",
  );
  expect(lines).toHaveLength(4);
  expect(lines.slice(1).map((l) => l.split(",")[2].replace(/^"|"$/g, "")).sort()).toEqual([...tags].sort());
});

it("filters by tool used, has-an-error and minimum cost; sorts and pages by cost; rows and CSV carry the new fields", async () => {
  // finish_turn's roll-up of observations, set directly: a (1 failed step, $0.40), b ($0.02), c (no tools, $0)
  const ids = (await db.query<{ id: string; session_tag: string }>("select id, session_tag from llm_traces where session_tag = any($1)", [tags])).rows;
  const id = (tag: string) => ids.find((r) => r.session_tag === tag)!.id;
  const rollup = "update llm_traces set cost_usd = $2, tools_used = $3, tool_calls = $4, error_count = $5, votes_up = $6 where id = $1";
  await db.query(rollup, [id(tags[0]), 0.4, ["search_catalog", "offer_choices"], 3, 1, 2]);
  await db.query(rollup, [id(tags[1]), 0.02, ["search_catalog"], 1, 0, 0]);
  await db.query(rollup, [id(tags[2]), 0, [], 0, 0, 0]);
  const q = `q=${tags[0].slice(11, 17)}`;
  const found = async (query: string) => ((await (await get(`/api/traces?${q}&${query}`)).json()) as { traces: { id: string }[] }).traces.map((t) => t.id);

  const both = await (await get(`/api/traces?tool=search_catalog&hasError=true&minCost=0.1`)).json();
  expect(both.traces).toHaveLength(1);
  expect(both.traces[0]).toMatchObject({
    id: id(tags[0]), costUsd: 0.4, toolCalls: 3, errorCount: 1, toolsUsed: ["search_catalog", "offer_choices"], votesUp: 2, votesDown: 0, agentVersion: 1,
  });
  expect((await found("tool=search_catalog")).sort()).toEqual([id(tags[0]), id(tags[1])].sort());
  expect(await found("tool=search_catalog&minCost=0.05")).toEqual([id(tags[0])]);
  expect(await found("hasError=true")).toEqual([id(tags[0])]);
  expect((await found("hasError=false")).sort()).toEqual([id(tags[1]), id(tags[2])].sort());
  expect(await found("minCost=0.5")).toEqual([]);
  expect(await found("tool=confirm_order")).toEqual([]);

  // sort by cost, one row a page, the cursor carries (cost, created_at)
  const order: string[] = [];
  let cursor = "";
  for (let i = 0; i < 5; i++) {
    const page = await (await get(`/api/traces?${q}&sort=cost_usd&dir=desc&limit=1${cursor ? `&cursor=${cursor}` : ""}`)).json();
    order.push(...page.traces.map((t: { id: string }) => t.id));
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  expect(order).toEqual([id(tags[0]), id(tags[1]), id(tags[2])]);

  for (const bad of ["minCost=-1", "minCost=abc", "minCost=1e3", "hasError=maybe", "tool=DROP%20TABLE", "sort=cost", `sort=cost_usd&cursor=${cursor.slice(0, -2)}`]) {
    const res = await get(`/api/traces?${bad}`);
    expect(res.status, bad).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request:traces");
  }

  const csv = (await (await get(`/api/traces/export?${q}&tool=search_catalog&hasError=true`)).text()).trim().split("\n");
  const header = csv[0].split(",");
  expect(csv).toHaveLength(2);
  const row = Object.fromEntries(csv[1].split(",").map((v, i) => [header[i], v.replace(/^"|"$/g, "")]));
  expect(row).toMatchObject({ costUsd: "0.4", toolCalls: "3", errorCount: "1", toolsUsed: "search_catalog offer_choices", agentVersion: "1" });
});

it("a trace's detail lists its steps and its messages' votes", async () => {
  const [t] = (await (await get(`/api/traces?sessionTag=${tags[0]}`)).json()).traces;
  const { rows: [m] } = await db.query<{ id: string; session_id: string; user_id: string }>(
    "select id, session_id, (select user_id from conversation_sessions s where s.id = session_id) as user_id from conversation_messages where session_id = $1 and role = 'user' order by seq limit 1",
    [t.sessionId],
  );
  await db.query(
    `insert into llm_observations (trace_id, session_id, user_id, message_id, position, kind, name, status, started_at, ended_at, duration_ms,
                                   tool_call_id, arguments, error)
     values ($1, $2, $3, $4, 0, 'tool', 'search_catalog', 'error', now(), now() + interval '40 ms', 40, 'c1', '{"query":"tent"}', 'timeout')`,
    [t.id, m.session_id, m.user_id, m.id],
  );
  await db.query("update conversation_messages set vote = 'up', voted_at = now() where session_id = $1 and role = 'agent'", [t.sessionId]);
  const d = await (await get(`/api/traces/${t.id}`)).json();
  // the turn's own steps (the tool loop's generations and tools) and the failed one added above
  expect(d.steps.filter((s: { kind: string }) => s.kind === "generation").length).toBeGreaterThan(0);
  expect(d.steps.filter((s: { status: string }) => s.status === "error")).toEqual([
    expect.objectContaining({ messageId: m.id, kind: "tool", name: "search_catalog", status: "error", error: "timeout", durationMs: 40, arguments: { query: "tent" } }),
  ]);
  expect(d.messages.filter((x: { role: string }) => x.role === "agent").map((x: { vote: string }) => x.vote)).toEqual(["up", "up"]);
  expect(d.trace).toMatchObject({ costUsd: 0.4, toolsUsed: ["search_catalog", "offer_choices"] });
});

it("the login form sets an operator cookie; a wrong token is 401", async () => {
  const bad = await operatorLogin(app.url, "wrong");
  expect(bad.status).toBe(401);
  const ok = await operatorLogin(app.url, token);
  const cookie = cookieOf(ok);
  expect(ok.headers.get("set-cookie")).toMatch(/HttpOnly/);
  expect((await get("/api/traces", { cookie })).status).toBe(200);
});

it("filters by channel (validated), shows it on rows, the detail and the CSV; the dashboard splits by channel", async () => {
  // a WhatsApp visitor's turn, as the channel's worker runs it (begin_turn with channel 'whatsapp')
  const waId = "15550001111";
  await db.query("select public.begin_turn(p_user_id => $1, p_message => 'hello', p_channel => 'whatsapp')", [waId]);
  const wa = await (await get("/api/traces?channel=whatsapp")).json();
  expect(wa.traces.map((t: { userId: string; channel: string }) => [t.userId, t.channel])).toEqual([[waId, "whatsapp"]]);
  const web = await (await get("/api/traces?channel=web")).json();
  expect(web.traces.length).toBeGreaterThanOrEqual(3);
  expect(web.traces.every((t: { channel: string }) => t.channel === "web")).toBe(true);
  const detail = await (await get(`/api/traces/${wa.traces[0].id}`)).json();
  expect(detail.trace.channel).toBe("whatsapp");
  for (const bad of ["channel=sms", "channel=WHATSAPP", "channel=web,whatsapp"]) {
    const res = await get(`/api/traces?${bad}`);
    expect(res.status, bad).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request:traces");
  }
  const csv = (await (await get("/api/traces/export?channel=whatsapp")).text()).trim().split("\n");
  expect(csv).toHaveLength(2);
  expect(csv[1].split(",")[4]).toBe('"whatsapp"');
  const dashboard = await (await get("/api/dashboard?range=all")).json();
  const split = Object.fromEntries(dashboard.channels.map((c: { channel: string; traces: number }) => [c.channel, c.traces]));
  expect(split.whatsapp).toBe(1);
  expect(split.web).toBe(dashboard.totals.traces - 1);
  // the A/B comparison's variants under their own word; "experiments" are dataset runs (docs/glossary.md)
  expect(dashboard.abComparison).toEqual(expect.any(Array));
  expect(dashboard).not.toHaveProperty("experiments");
});
