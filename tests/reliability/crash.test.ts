import { randomUUID } from "node:crypto";
import pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import { startApp, type App } from "../support/app";
import { Visitor, type ChatReply } from "../support/client";
import { freshPostgresUrl } from "../support/databases";
import { sseChunks } from "../support/sse";
import { figure, invariantViolations, noViolations, runVerifySql, until } from "./helpers";

// Crash safety (R9, R8, R3: docs/rules.md): kill -9 the server in the middle of streams and of a
// bulk-order flow. kill -9 gives the server no chance to store anything after the
// kill, so the honest guarantees are: every question that got past begin_turn is
// stored, exactly once; a retry with the same clientMessageId is answered exactly
// once; the flow continues from the database; verify.sql finds nothing wrong.

let app: App;
let url: string;
let db: pg.Pool;
const secret = "reliability-crash";
const stream = { accept: "text/event-stream" };

beforeAll(async () => {
  url = await freshPostgresUrl();
  db = new pg.Pool({ connectionString: url, max: 3 });
  // slow streams (60 ms per chunk of 3 words) so the kill lands mid-reply
  app = await startApp({ DATABASE_URL: url, SESSION_SECRET: secret, OFFLINE_MODEL_DELAY_MS: "60" });
});
afterAll(async () => {
  await app?.stop();
  await db?.end();
});

const q = async <R = Record<string, unknown>>(text: string, params: unknown[] = []) => (await db.query(text, params)).rows as R[];

interface InFlight {
  clientMessageId: string;
  visitor: Visitor;
  body: Record<string, unknown>;
  /** the server sent the session: begin_turn committed */
  pastBegin: boolean;
  text: string;
  /** resolves when the stream is dead (the kill) */
  done: Promise<void>;
}

/** Starts a streamed chat request; resolves once it has `minDeltas` text deltas (or the stream ends). */
async function startStream(visitor: Visitor, body: Record<string, unknown>, minDeltas: number): Promise<InFlight> {
  const clientMessageId = randomUUID();
  const flight: InFlight = { clientMessageId, visitor, body: { ...body, clientMessageId }, pastBegin: false, text: "", done: Promise.resolve() };
  let reached!: () => void;
  const enough = new Promise<void>((r) => (reached = r));
  flight.done = (async () => {
    try {
      const res = await visitor.post("/api/chat", flight.body, stream);
      expect(res.status).toBe(200);
      let deltas = 0;
      for await (const c of sseChunks(res)) {
        if (c.type === "data-session") flight.pastBegin = true;
        if (c.type === "text-delta") {
          flight.text += c.delta as string;
          if (++deltas >= minDeltas) reached();
        }
      }
    } catch {
      // the server died under us
    } finally {
      reached();
    }
  })();
  await enough;
  return flight;
}

async function userMessages(clientMessageId: string) {
  return q<{ id: string; session_id: string; content: string }>("select id, session_id, content from conversation_messages where client_message_id = $1 and role = 'user'", [clientMessageId]);
}
async function repliesTo(messageId: string) {
  return q<{ id: string; content: string; is_partial: boolean }>("select id, content, is_partial from conversation_messages where reply_to = $1", [messageId]);
}

it("kill -9 mid-stream (8 streams in flight): no question lost or doubled; a retry with the same clientMessageId answers exactly once", async () => {
  const visitors = Array.from({ length: 8 }, () => new Visitor(app.url));
  // warm up each visitor so it has a cookie and a session
  const warm: ChatReply[] = await Promise.all(visitors.map((v) => v.chat({ message: "hello" })));
  const callsBefore = (await q<{ n: number }>("select coalesce(sum(llm_calls), 0)::int as n from llm_traces"))[0].n;

  const flights = await Promise.all(visitors.map((v, i) => startStream(v, { message: `tell me about tents for a family trip (${i})`, sessionId: warm[i].sessionId }, 2)));
  const partialText = flights.map((f) => f.text.length);
  await app.stop("SIGKILL");
  await Promise.all(flights.map((f) => f.done));
  await app.restart();

  // every question that got past begin is stored, once, with no reply (nothing could be written after the kill)
  expect(flights.every((f) => f.pastBegin)).toBe(true);
  let lostAfterBegin = 0;
  let duplicated = 0;
  for (const f of flights) {
    const rows = await userMessages(f.clientMessageId);
    if (rows.length === 0) lostAfterBegin++;
    if (rows.length > 1) duplicated++;
    expect(rows).toHaveLength(1);
    expect(rows[0].content).toBe(f.body.message);
    expect(await repliesTo(rows[0].id)).toEqual([]);
  }
  // the killed turns counted nothing on the trace
  expect((await q<{ n: number }>("select coalesce(sum(llm_calls), 0)::int as n from llm_traces"))[0].n).toBe(callsBefore);

  // the retry (same clientMessageId, same session) runs the turn once; a second retry replays it
  let answered = 0;
  await Promise.all(flights.map(async (f) => {
    const first = await f.visitor.chat(f.body);
    const again = await f.visitor.chat(f.body);
    expect(first.sessionId).toBe(f.body.sessionId);
    expect(again.reply.id).toBe(first.reply.id);
    expect(first.reply.content.startsWith(f.text.trim().split(" ")[0])).toBe(true);
    const [question] = await userMessages(f.clientMessageId);
    const replies = await repliesTo(question.id);
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({ id: first.reply.id, is_partial: false });
    answered++;
  }));
  expect((await userMessages(flights[0].clientMessageId)).length).toBe(1);
  // llm_calls counts generation observations: each retried turn added its model calls once
  const calls = (await q<{ n: number; generations: number }>(
    "select coalesce(sum(llm_calls), 0)::int as n, (select count(*)::int from llm_observations where kind = 'generation') as generations from llm_traces"))[0];
  expect(calls.n).toBe(calls.generations);
  expect(calls.n).toBeGreaterThanOrEqual(callsBefore + flights.length);
  expect(await invariantViolations(db)).toEqual(noViolations);

  figure(
    `crash (kill -9 mid-stream): ${flights.length} streams in flight with ${Math.min(...partialText)}-${Math.max(...partialText)} chars streamed; ` +
      `after restart ${flights.length - lostAfterBegin}/${flights.length} questions stored, ${duplicated} duplicated, 0 replies written after the kill; ` +
      `retries with the same clientMessageId answered ${answered}/${flights.length} exactly once (second retry replays the same reply id)`,
  );
});

it("a reply cut by the client is stored marked partial, survives kill -9, and a retry replays it instead of running twice", async () => {
  const v = new Visitor(app.url);
  const warm = await v.chat({ message: "hello" });
  const clientMessageId = randomUUID();
  const body = { message: "tell me about tents for a family trip", sessionId: warm.sessionId, clientMessageId };
  const controller = new AbortController();
  const res = await fetch(`${app.url}/api/chat`, {
    method: "POST",
    headers: { "content-type": "application/json", cookie: v.cookie, ...stream },
    body: JSON.stringify(body),
    signal: controller.signal,
  });
  let seen = "";
  try {
    for await (const c of sseChunks(res)) {
      if (c.type === "text-delta") seen += c.delta as string;
      if (seen.split(" ").length > 6) break;
    }
  } finally {
    controller.abort(); // the visitor closes the tab
  }
  const [question] = await until(async () => ((await userMessages(clientMessageId)).length ? await userMessages(clientMessageId) : undefined), 5000) ?? [];
  const stored = await until(async () => (await repliesTo(question.id))[0], 5000);
  expect(stored).toMatchObject({ is_partial: true });
  expect(stored!.content.startsWith(seen)).toBe(true);

  await app.stop("SIGKILL");
  await app.restart();
  expect(await repliesTo(question.id)).toEqual([stored]);
  const retry = await v.chat(body);
  expect(retry.reply.id).toBe(stored!.id);
  expect(retry.reply.content).toBe(stored!.content);
  expect(await repliesTo(question.id)).toHaveLength(1);
  figure(`crash (client cut, then kill -9): partial reply of ${stored!.content.length} chars stored with is_partial = true, still there after the kill; the retry replays it (1 reply, not 2)`);
});

it("a graceful stop (SIGTERM) mid-stream finishes and stores the reply before the process exits", async () => {
  const v = new Visitor(app.url);
  const warm = await v.chat({ message: "hello" });
  const flight = await startStream(v, { message: "tell me about tents for a family trip", sessionId: warm.sessionId }, 2);
  const stopping = app.stop("SIGTERM");
  await flight.done;
  await stopping;
  await app.restart();
  const [question] = await userMessages(flight.clientMessageId);
  const replies = await repliesTo(question.id);
  expect(replies).toHaveLength(1);
  expect(replies[0].is_partial).toBe(false);
  expect(replies[0].content).toBe(flight.text);
  figure(`crash (SIGTERM mid-stream): the in-flight reply finished streaming (${flight.text.length} chars) and was stored complete before exit`);
});

it("kill -9 in the middle of a bulk order: the flow continues from the database to confirmation", async () => {
  const v = new Visitor(app.url);
  const transcript: string[] = [];
  const say = async (body: Record<string, unknown>) => {
    const r = await v.chat(body);
    transcript.push(`visitor: ${body.message ?? JSON.stringify(body.action)}`, `agent:   ${r.reply.content.slice(0, 100)}`);
    return r;
  };
  const first = await say({ message: "I want to order 25 headlamps", agent: "order_assistant" });
  const sessionId = first.sessionId;

  // the second step is cut mid-reply by kill -9
  const flight = await startStream(v, { message: "I'm Ana Lopez, ana@example.com", sessionId }, 1);
  await app.stop("SIGKILL");
  await flight.done;
  transcript.push(`visitor: ${flight.body.message}`, `agent:   ${flight.text}… [kill -9]`);
  await app.restart();
  transcript.push("-- server restarted --");

  const [question] = await userMessages(flight.clientMessageId);
  expect(question).toBeDefined();
  expect(await repliesTo(question.id)).toEqual([]);

  // the client retries the cut step, then carries on
  const retried = await say(flight.body);
  expect(retried.sessionId).toBe(sessionId);
  expect(retried.newSession).toBe(false);
  const phone = await say({ message: "call me at +1 555 123 4567", sessionId });
  expect(phone.sessionId).toBe(sessionId);
  expect(phone.reply.content).toContain("Store C, 7 Pine Avenue, Denver");
  const yes = phone.reply.buttons.find((b) => b.action.id === "confirm_order");
  expect(yes).toBeDefined();

  // and a kill between two steps loses nothing either
  await app.stop("SIGKILL");
  await app.restart();
  transcript.push("-- killed and restarted again --");
  const done = await say({ action: yes!.action, sessionId });
  expect(done.sessionId).toBe(sessionId);
  expect(done.reply.content).toMatch(/BO-[0-9A-F]{10}/);

  const [flow] = await q<{ state: Record<string, unknown> }>("select state from flow_states where session_id = $1 and flow = 'bulk_order'", [sessionId]);
  expect(flow.state).toMatchObject({ status: "confirmed", lines: [{ quantity: 25 }], name: "Ana Lopez", email: "ana@example.com" });
  const [counts] = await q<{ users: number; agents: number; sessions: number; calls: number }>(
    `select (select count(*)::int from conversation_messages where session_id = $1 and role = 'user') as users,
            (select count(*)::int from conversation_messages where session_id = $1 and role = 'agent') as agents,
            (select count(*)::int from conversation_sessions where user_id = (select user_id from conversation_sessions where id = $1)) as sessions,
            (select llm_calls - (select count(*)::int from llm_observations o where o.session_id = $1 and o.kind = 'generation') from llm_traces where session_id = $1) as calls`,
    [sessionId],
  );
  expect(counts).toEqual({ users: 4, agents: 4, sessions: 1, calls: 0 }); // calls: llm_calls minus its generations
  figure(`crash (kill -9 in a bulk order): 2 kills, 1 session, 4 questions and 4 replies stored once, order confirmed (${done.reply.content.match(/BO-[0-9A-F]{10}/)![0]})`);
});

it("after the crashes verify.sql reports every row ok and the turn invariants hold", async () => {
  const rows = runVerifySql(url);
  expect(rows.length).toBeGreaterThan(100);
  expect(rows.filter((r) => !r.ok)).toEqual([]);
  expect(await invariantViolations(db)).toEqual(noViolations);
  figure(`crash: verify.sql ${rows.length}/${rows.length} rows ok after 4 kill -9 and 1 SIGTERM`);
});
