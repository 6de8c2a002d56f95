import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { App } from "../support/app";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";
import { readAll, sseChunks } from "../support/sse";

// Accept: text/event-stream: the AI SDK UI message stream; its final state equals the JSON answer.
let app: App;
let db: pg.Pool;
beforeAll(async () => { ({ app, db } = await startAppOnFreshDatabase({ OFFLINE_MODEL_DELAY_MS: "40" })); });
afterAll(() => stopAppAndPool(app, db));

const streamHeaders = { accept: "text/event-stream" };

it("streams session, text deltas and a final result equal to what is stored", async () => {
  const v = new Visitor(app.url);
  const res = await v.post("/api/chat", { message: "a warm sleeping bag", clientMessageId: randomUUID() }, streamHeaders);
  expect(res.status).toBe(200);
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const chunks = await readAll(res);
  const types = chunks.map((c) => c.type);
  expect(types[0]).toBe("start");
  expect(types[1]).toBe("data-session");
  expect(types.filter((t) => t === "text-delta").length).toBeGreaterThan(1);
  expect(types.slice(-2)).toEqual(["data-result", "finish"]);
  const text = chunks.filter((c) => c.type === "text-delta").map((c) => c.delta).join("");
  const result = chunks.find((c) => c.type === "data-result")!.data as { sessionId: string; reply: { content: string; id: string } };
  expect(text).toBe(result.reply.content);
  const history = await (await v.request(`/api/sessions/${result.sessionId}/messages`)).json();
  expect(history.messages.at(-1)).toMatchObject({ id: result.reply.id, content: text, partial: false });
});

it("a client that disconnects mid-stream leaves the partial reply stored and marked partial", async () => {
  const v = new Visitor(app.url);
  const warm = await v.chat({ message: "hello" });
  const controller = new AbortController();
  const res = await fetch(`${app.url}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: v.cookie, ...streamHeaders },
    body: JSON.stringify({ message: "tell me about tents for a family trip", sessionId: warm.sessionId }),
    signal: controller.signal,
  });
  let seen = "";
  const reader = sseChunks(res);
  for await (const c of reader) {
    if (c.type === "text-delta") seen += c.delta as string;
    if (seen.split(" ").length > 4) break;
  }
  controller.abort(); // the client goes away mid-stream
  // the server notices the disconnect, stops the model and stores what it had
  let row: { content: string; is_partial: boolean } | undefined;
  for (let i = 0; i < 50 && !row; i++) {
    await new Promise((r) => setTimeout(r, 100));
    row = (await db.query("select content, is_partial from conversation_messages where session_id = $1 and role = 'agent' order by seq desc limit 1 offset 0", [warm.sessionId])).rows
      .find((r) => r.content !== warm.reply.content);
  }
  expect(row).toBeDefined();
  expect(row!.is_partial).toBe(true);
  expect(row!.content.startsWith(seen.trim().split(" ")[0])).toBe(true);
  const [t] = (await db.query(
    "select t.llm_calls, (select count(*)::int from llm_observations o where o.trace_id = t.id and o.kind = 'generation') as generations from llm_traces t where t.session_id = $1",
    [warm.sessionId])).rows;
  expect(t.llm_calls).toBe(t.generations);
  expect(t.llm_calls).toBeGreaterThanOrEqual(2);
});

it("a streamed request with a foreign session is a plain 404", async () => {
  const owner = new Visitor(app.url);
  const r = await owner.chat({ message: "hi" });
  const stranger = new Visitor(app.url);
  const res = await stranger.post("/api/chat", { message: "x", sessionId: r.sessionId }, streamHeaders);
  expect(res.status).toBe(404);
  expect((await res.json()).error.code).toBe("not_found:session");
});

it("a handoff streams the note, a data-handoff part, then the new agent's reply; the result is the new session's", async () => {
  const v = new Visitor(app.url);
  const res = await v.post("/api/chat", { message: "Hi so i need to buy 11 remote controls", agent: "product_recommendation" }, streamHeaders);
  const chunks = await readAll(res);
  const handoffAt = chunks.findIndex((c) => c.type === "data-handoff");
  expect(handoffAt).toBeGreaterThan(0);
  expect(chunks[handoffAt].data).toEqual({ key: "order_assistant", name: "Order Assistant" });
  const result = chunks.find((c) => c.type === "data-result")!.data as { sessionId: string; newSession: boolean; reply: { content: string }; handoff: { fromReply: { content: string } } };
  const after = chunks.slice(handoffAt).filter((c) => c.type === "text-delta").map((c) => c.delta).join("");
  const before = chunks.slice(0, handoffAt).filter((c) => c.type === "text-delta").map((c) => c.delta).join("");
  expect(after).toBe(result.reply.content);
  expect(before).toBe(result.handoff.fromReply.content);
  expect(result.newSession).toBe(true);
  const history = await (await v.request(`/api/sessions/${result.sessionId}/messages`)).json();
  expect(history.messages.map((m: { role: string }) => m.role)).toEqual(["user", "agent"]);
});
