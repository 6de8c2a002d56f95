import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { App } from "../support/app";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";
import { readAll } from "../support/sse";

// POST /api/chat with action {id: "regenerate", payload: {messageId}}: the agent answers the same
// visitor message again; both answers are stored, the history shows the newest (docs/architecture.md "Try again").
let app: App;
let db: pg.Pool;
beforeAll(async () => { ({ app, db } = await startAppOnFreshDatabase()); });
afterAll(() => stopAppAndPool(app, db));

const q = async <R = Record<string, unknown>>(text: string, params: unknown[] = []) => (await db.query(text, params)).rows as R[];
const tryAgain = (messageId: string) => ({ action: { id: "regenerate", payload: { messageId } } });

it("JSON: a new reply replaces the last one; a repeated request replays it; both answers and both model calls are stored", async () => {
  const v = new Visitor(app.url);
  const first = await v.chat({ message: "I need a light tent" });
  const clientMessageId = randomUUID();
  const again = await v.chat({ ...tryAgain(first.reply.id), clientMessageId });
  expect(again).toMatchObject({ sessionId: first.sessionId, newSession: false, replaces: first.reply.id });
  expect(again.reply.id).not.toBe(first.reply.id);
  expect(again.reply.content).toMatch(/^Let me try that again\. /);
  expect(again.reply.content).toContain(first.reply.content);

  const repeated = await v.chat({ ...tryAgain(first.reply.id), clientMessageId });
  expect(repeated.reply.id).toBe(again.reply.id);
  expect(repeated.replaces).toBe(first.reply.id);

  const stored = await q<{ id: string; superseded_by: string | null }>(
    "select r.id, r.superseded_by from conversation_messages r join conversation_messages u on u.id = r.reply_to where u.session_id = $1 and u.content = 'I need a light tent' order by r.seq", [first.sessionId]);
  expect(stored).toEqual([{ id: first.reply.id, superseded_by: again.reply.id }, { id: again.reply.id, superseded_by: null }]);
  const [trace] = await q<{ llm_calls: number }>("select llm_calls from llm_traces where session_id = $1", [first.sessionId]);
  expect(trace.llm_calls).toBe(6); // 3 generations per answer (search, offer choices, final text)

  const history = await (await v.request(`/api/sessions/${first.sessionId}/messages`)).json() as { messages: { id: string }[] };
  expect(history.messages.map((m) => m.id)).not.toContain(first.reply.id);
  expect(history.messages.at(-1)?.id).toBe(again.reply.id);
});

it("typed errors: a superseded reply is 409, another visitor's reply is 404, a bad messageId is 400", async () => {
  const v = new Visitor(app.url);
  const first = await v.chat({ message: "a headlamp please" });
  await v.chat(tryAgain(first.reply.id));
  const twice = await v.post("/api/chat", tryAgain(first.reply.id));
  expect(twice.status).toBe(409);
  expect((await twice.json()).error.code).toBe("conflict:regenerate");

  const stranger = new Visitor(app.url);
  const theirs = await v.chat({ message: "a warm sleeping bag" });
  const other = await stranger.post("/api/chat", tryAgain(theirs.reply.id));
  expect(other.status).toBe(404);
  expect((await other.json()).error.code).toBe("not_found:message");

  const bad = await v.post("/api/chat", { action: { id: "regenerate", payload: { messageId: "x" } } });
  expect(bad.status).toBe(400);
  expect((await bad.json()).error.code).toBe("bad_request:chat");
});

it("stream: the new reply streams and the result names the reply it replaces", async () => {
  const v = new Visitor(app.url);
  const first = await v.chat({ message: "a warm sleeping bag" });
  const res = await v.post("/api/chat", { ...tryAgain(first.reply.id), clientMessageId: randomUUID() }, { accept: "text/event-stream" });
  expect(res.status).toBe(200);
  const chunks = await readAll(res);
  const text = chunks.filter((c) => c.type === "text-delta").map((c) => c.delta).join("");
  const result = chunks.find((c) => c.type === "data-result")!.data as { replaces: string; reply: { id: string; content: string } };
  expect(result.replaces).toBe(first.reply.id);
  expect(result.reply.content).toBe(text);
  expect(text.startsWith("Let me try that again.")).toBe(true);
});
