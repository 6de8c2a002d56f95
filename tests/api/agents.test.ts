import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { App } from "../support/app";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";

// Agents are rows: one added by a single SQL insert answers over HTTP with the tools it names,
// an edit shows as a new version on the next trace; every step of a turn is an observation.
let app: App;
let db: pg.Pool;
beforeAll(async () => { ({ app, db } = await startAppOnFreshDatabase()); });
afterAll(() => stopAppAndPool(app, db));

const q = async <R = Record<string, unknown>>(text: string, params: unknown[] = []) => (await db.query(text, params)).rows as R[];

it("a turn with two tool calls stores two tool observations and three generations in one finish_turn", async () => {
  const v = new Visitor(app.url);
  const r = await v.chat({ message: "I need a light tent", agent: "product_recommendation" });
  expect(r.reply.buttons.length).toBeGreaterThan(0);
  const steps = await q<{ kind: string; name: string; position: number; parent: number | null; input_tokens: number | null; finish_reason: string | null }>(
    `select o.kind, o.name, o.position, p.position as parent, o.input_tokens, o.finish_reason
       from llm_observations o left join llm_observations p on p.id = o.parent_id
       join conversation_messages m on m.id = o.message_id
      where o.session_id = $1 and m.content = 'I need a light tent' order by o.position`, [r.sessionId]);
  expect(steps.map((s) => `${s.kind}:${s.name}`)).toEqual([
    "generation:product_recommendation", "tool:search_catalog", "generation:product_recommendation", "tool:offer_choices", "generation:product_recommendation",
  ]);
  expect(steps.map((s) => s.parent)).toEqual([null, 0, null, 2, null]);
  expect(steps.filter((s) => s.kind === "generation").every((s) => (s.input_tokens ?? 0) > 0)).toBe(true);
  const [trace] = await q("select llm_calls, tool_calls, tools_used, error_count from llm_traces where session_id = $1", [r.sessionId]);
  expect(trace).toEqual({ llm_calls: 3, tool_calls: 2, tools_used: expect.arrayContaining(["search_catalog", "offer_choices"]), error_count: 0 });
});

it("the menu and a greeting cost no model call", async () => {
  const v = new Visitor(app.url);
  const greeted = await v.chat({ agent: "sales_pitch" });
  expect(greeted.reply.content).toMatch(/Sales Pitch/);
  const menu = await v.chat({ message: "menu", sessionId: greeted.sessionId });
  expect(menu.reply.buttons).toHaveLength(3);
  const [trace] = await q("select llm_calls from llm_traces where session_id = $1", [greeted.sessionId]);
  expect(trace.llm_calls).toBe(0);
  expect(await q("select 1 from llm_observations where session_id = $1", [greeted.sessionId])).toHaveLength(0);
});

it("an agent added by one insert answers over HTTP; editing it bumps the version the next trace runs with", async () => {
  await db.query(`insert into public.agents (key, name, description, instructions, tools)
                  values ('gift_finder', 'Gift Finder', 'Gift ideas from the catalog',
                          'You are Threadline''s Gift Finder. Suggest gifts from the catalog with search_catalog.',
                          '{search_catalog}')`);
  const v = new Visitor(app.url);
  const r = await v.chat({ message: "a gift for a coffee lover", agent: "gift_finder" });
  expect(r).toMatchObject({ newSession: true, agent: { key: "gift_finder", name: "Gift Finder" } });
  expect(r.reply.content).toMatch(/Mug/);
  expect(r.reply.buttons).toEqual([]); // it has no offer_choices
  const [first] = await q<{ agent_version: number }>("select agent_version from llm_traces where session_id = $1", [r.sessionId]);
  expect(first.agent_version).toBe(1);

  await db.query("update public.agents set instructions = instructions || ' Be brief.' where key = 'gift_finder'");
  // the running session keeps its version; a new session runs the new one
  const again = await v.chat({ message: "and for a hiker?", sessionId: r.sessionId });
  expect(again.sessionId).toBe(r.sessionId);
  await v.post(`/api/sessions/${r.sessionId}/end`, {});
  const next = await v.chat({ message: "a gift for a runner", agent: "gift_finder" });
  const [second] = await q<{ agent_version: number }>("select agent_version from llm_traces where session_id = $1", [next.sessionId]);
  expect(second.agent_version).toBe(2);
});

it("an unknown or disabled agent is 400 bad_request:agent and writes nothing", async () => {
  await db.query("insert into public.agents (key, name, instructions, is_enabled) values ('retired', 'Retired', 'You are retired.', false)");
  const v = new Visitor(app.url);
  const before = await q("select count(*)::int as n from conversation_messages");
  for (const agent of ["nobody_here", "retired"]) {
    const res = await v.post("/api/chat", { message: "hi", agent });
    expect(res.status, agent).toBe(400);
    expect((await res.json()).error.code).toBe("bad_request:agent");
  }
  const badShape = await v.post("/api/chat", { message: "hi", agent: "DROP TABLE" });
  expect(badShape.status).toBe(400);
  expect(await q("select count(*)::int as n from conversation_messages")).toEqual(before);
});
