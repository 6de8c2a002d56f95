import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { App } from "../support/app";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";
import { startOpenAIServer, type OpenAIServer } from "../support/openai-server";
import { readAll } from "../support/sse";

// The OpenAI-compatible provider against a local server on 127.0.0.1 that speaks that protocol.
let app: App;
let llm: OpenAIServer;
let db: pg.Pool;
beforeAll(async () => {
  llm = await startOpenAIServer();
  ({ app, db } = await startAppOnFreshDatabase({ LLM_BASE_URL: llm.baseURL, LLM_API_KEY: "sk-test", LLM_MODEL: "tiny-gpt", LLM_EXPERIMENT_NAME: "exp-a" }));
});
afterAll(async () => {
  await stopAppAndPool(app, db);
  await llm?.close();
});

it("answers with the remote model's words and puts its usage on the trace", async () => {
  const v = new Visitor(app.url);
  const r = await v.chat({ message: "pitch me a headlamp", agent: "sales_pitch" });
  expect(r.reply.content).toBe(llm.words.join(""));
  expect(r.model).toEqual({ key: "tiny-gpt", name: "tiny-gpt" });
  const last = llm.requests.at(-1)!;
  expect(last.auth).toBe("Bearer sk-test");
  expect(last.body.model).toBe("tiny-gpt");
  const [row] = (await db.query(
    `select t.llm_calls, t.input_tokens::int, t.output_tokens::int, t.experiment_name, m.provider, m.id::text as model_id, t.session_tag
       from llm_traces t join llm_models m on m.id = t.model_id where t.session_id = $1`, [r.sessionId])).rows;
  expect(row).toMatchObject({ llm_calls: 1, input_tokens: 321, output_tokens: 9, experiment_name: "exp-a", provider: "openai_compatible" });
  // the model was offered the agent's tools
  expect((last.body.tools as { function: { name: string } }[]).map((t) => t.function.name)).toEqual(["search_catalog", "product_details", "offer_choices", "handoff"]);
  expect(row.session_tag).toBe(`chat_model_${row.model_id.replace(/-/g, "").slice(0, 6)}_001`);
});

it("streams the remote model's tokens", async () => {
  const v = new Visitor(app.url);
  const res = await v.post("/api/chat", { message: "a headlamp please" }, { accept: "text/event-stream" });
  const chunks = await readAll(res);
  expect(chunks.filter((c) => c.type === "text-delta").map((c) => c.delta)).toEqual(llm.words);
  expect(llm.requests.at(-1)!.body.stream).toBe(true);
});

it("a failing model keeps the message, records the error, and a retry with the same clientMessageId answers once", async () => {
  const v = new Visitor(app.url);
  const clientMessageId = randomUUID();
  llm.mode = "error";
  const failed = await v.post("/api/chat", { message: "are you there?", clientMessageId });
  expect(failed.status).toBe(503);
  expect((await failed.json()).error.code).toBe("unavailable:model"); // the provider answered 500: out of reach, not the database
  const [stored] = (await db.query("select session_id from conversation_messages where client_message_id = $1", [clientMessageId])).rows;
  expect(stored).toBeDefined();
  const [trace] = (await db.query("select status, last_error, llm_calls, error_count from llm_traces where session_id = $1", [stored.session_id])).rows;
  // the failed generation is an observation with its error, and counts as a call
  expect(trace).toMatchObject({ status: "error", llm_calls: 1, error_count: 1 });
  expect(trace.last_error).toBeTruthy();

  llm.mode = "ok";
  const retried = await v.chat({ message: "are you there?", clientMessageId });
  expect(retried.reply.content).toBe(llm.words.join(""));
  const rows = (await db.query("select role from conversation_messages where session_id = $1 order by seq", [stored.session_id])).rows;
  expect(rows.map((x) => x.role)).toEqual(["user", "agent"]);
  const [after] = (await db.query("select status, llm_calls from llm_traces where session_id = $1", [stored.session_id])).rows;
  expect(after).toEqual({ status: "ok", llm_calls: 2 });
});

it("the offline model stays available by key", async () => {
  const v = new Visitor(app.url);
  const r = await v.chat({ message: "tents", model: "offline" });
  expect(r.model.key).toBe("offline");
});

it("tool calls streamed by the provider drive the turn: search, buttons, then the words", async () => {
  llm.toolCalls = [
    { name: "search_catalog", arguments: { query: "headlamp" } },
    { name: "offer_choices", arguments: { choices: [{ label: "Beacon Headlamp", action: { id: "product_details", payload: { sku: "TRL-LAMP" } } }] } },
  ];
  try {
    const v = new Visitor(app.url);
    const r = await v.chat({ message: "a headlamp please", agent: "product_recommendation" });
    expect(r.reply.content).toBe(llm.words.join(""));
    expect(r.reply.buttons).toEqual([{ label: "Beacon Headlamp", action: { id: "product_details", payload: { sku: "TRL-LAMP" } } }]);
    const steps = (await db.query("select kind, name, status, result from llm_observations where session_id = $1 order by position", [r.sessionId])).rows;
    expect(steps.map((s) => `${s.kind}:${s.name}`)).toEqual(["generation:product_recommendation", "tool:search_catalog", "tool:offer_choices", "generation:product_recommendation"]);
    expect(steps[1].result.products[0].sku).toBe("TRL-LAMP");
  } finally {
    llm.toolCalls = [];
  }
});

it("the seed conversations over the wire: the stand-in decides with the offline rules (handoff, order, restart, yes)", async () => {
  llm.brain = "rules";
  try {
    const v = new Visitor(app.url);
    const opened = await v.chat({ message: "Hi so i need to buy 11 remote controls", agent: "product_recommendation" });
    expect(opened).toMatchObject({ newSession: true, agent: { key: "order_assistant" } });
    expect(opened.reply.content).toMatch(/special-order line/);
    await v.chat({ message: "I'm Ana Lopez, ana@example.com", sessionId: opened.sessionId });
    await app.restart();
    const summary = await v.chat({ message: "call me at +1 555 123 4567", sessionId: opened.sessionId });
    expect(summary).toMatchObject({ sessionId: opened.sessionId, newSession: false });
    const yes = summary.reply.buttons.find((b) => b.action.id === "confirm_order");
    expect(yes).toBeDefined();
    const done = await v.chat({ action: yes!.action, sessionId: opened.sessionId });
    expect(done.reply.content).toMatch(/BO-[0-9A-F]{10}/);
    const tools = (await db.query("select name from llm_observations where session_id = $1 and kind = 'tool' order by started_at", [opened.sessionId])).rows.map((x) => x.name);
    expect(tools).toEqual(["set_order_line", "set_contact_details", "set_contact_details", "offer_choices", "confirm_order"]);
    const tiny = (await db.query("select distinct model from llm_observations where session_id = $1 and kind = 'generation'", [opened.sessionId])).rows;
    expect(tiny).toEqual([{ model: "tiny-gpt" }]);
  } finally {
    llm.brain = "script";
  }
});
