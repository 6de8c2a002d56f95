import { randomUUID } from "node:crypto";
import pg from "pg";
import { summarize } from "./common";
import { treeCpuMs } from "./cpu";

// The peer scenario of `npm run bench` (docs/performance.md, "Against the usual pattern"):
// the statements vercel/ai-chatbot's POST /api/chat (app/(chat)/api/chat/route.ts,
// lib/db/queries.ts) sends to PostgreSQL for one turn of an existing chat, replayed
// through node-postgres on that project's own tables (Drizzle migrations: User, Chat,
// Message_v2, Stream) in a database of the same server, plus the two indexes its
// queries need and its migrations lack. Named prepared statements, as its driver
// (postgres.js under Drizzle) prepares them. Per turn:
//   1. getMessageCountByUserId: user messages of the visitor's chats in the last 24 h (rate limit)
//   2. getChatById
//   3. getMessagesByChatId: the whole history, oldest first
//   4. saveMessages: the user message
//   5. createStreamId
//   6. saveMessages: the reply (onFinish)
//   7. updateChatLastContextById: the usage (onFinish)
// The "+ trace" variant adds one upsert of a per-chat trace row (calls, tokens,
// latency), so both sides keep the same data. For comparison, "Threadline, SQL only"
// replays Threadline's own two calls (begin_turn, finish_turn) the same way.
// Steps: a chat turn of the offline model stores three (a generation that calls search_catalog, the
// tool call with its arguments and result, the generation that answers). Both designs write them by
// default, each its own way: Threadline as finish_turn's p_observations (the rows lib/chat/observations.ts
// makes), the peer as ai-chatbot stores a tool loop, inside the assistant message's `parts`
// (step-start, a `tool-search_catalog` part with input and output, step-start, the text).
// BENCH_STEPS=0 replays the older turn without steps on both sides (the figures before 2026-12-07 evening).

const SCHEMA = `
create table "User" (id uuid primary key default gen_random_uuid(), email varchar(64) not null, password varchar(64));
create table "Chat" (
  id uuid primary key default gen_random_uuid(), "createdAt" timestamp not null, title text not null,
  "userId" uuid not null references "User" (id), visibility varchar not null default 'private', "lastContext" jsonb);
create table "Message_v2" (
  id uuid primary key default gen_random_uuid(), "chatId" uuid not null references "Chat" (id), role varchar not null,
  parts json not null, attachments json not null, "createdAt" timestamp not null);
create table "Stream" (id uuid primary key default gen_random_uuid(), "chatId" uuid not null references "Chat" (id), "createdAt" timestamp not null);
-- what its queries need and its migrations lack
create index "Message_v2_chatId_createdAt" on "Message_v2" ("chatId", "createdAt");
create index "Chat_userId" on "Chat" ("userId");
-- the "+ trace" variant's one row per chat
create table "Trace" (
  "chatId" uuid primary key references "Chat" (id), "userId" uuid not null, "llmCalls" integer not null,
  "inputTokens" bigint not null, "outputTokens" bigint not null, "latencyMs" bigint not null, "updatedAt" timestamp not null);
`;

const STATEMENTS = {
  count: `select count("Message_v2".id) from "Message_v2" inner join "Chat" on "Message_v2"."chatId" = "Chat".id
           where ("Chat"."userId" = $1 and "Message_v2"."createdAt" >= $2 and "Message_v2".role = $3)`,
  chat: `select id, "createdAt", title, "userId", visibility, "lastContext" from "Chat" where "Chat".id = $1`,
  history: `select id, "chatId", role, parts, attachments, "createdAt" from "Message_v2" where "Message_v2"."chatId" = $1
             order by "Message_v2"."createdAt" asc`,
  save: `insert into "Message_v2" (id, "chatId", role, parts, attachments, "createdAt") values ($1, $2, $3, $4, $5, $6)`,
  stream: `insert into "Stream" (id, "chatId", "createdAt") values ($1, $2, $3)`,
  context: `update "Chat" set "lastContext" = $1 where "Chat".id = $2`,
  trace: `insert into "Trace" ("chatId", "userId", "llmCalls", "inputTokens", "outputTokens", "latencyMs", "updatedAt")
          values ($1, $2, 1, $3, $4, $5, $6)
          on conflict ("chatId") do update set "llmCalls" = "Trace"."llmCalls" + 1, "inputTokens" = "Trace"."inputTokens" + excluded."inputTokens",
            "outputTokens" = "Trace"."outputTokens" + excluded."outputTokens", "latencyMs" = "Trace"."latencyMs" + excluded."latencyMs",
            "updatedAt" = excluded."updatedAt"`,
};

/** What one turn writes, taken from Threadline's own rows so both sides move the same bytes. */
export interface TurnSizes {
  userMessages: string[];
  reply: string;
  replyMetadata: unknown;
  /** The turn's tool call (search_catalog's arguments and result), stored as a step by both designs. */
  tool?: { name: string; arguments: unknown; result: unknown };
}

/** Whether the replayed turns store their steps (default) or not (BENCH_STEPS=0, the older replay). */
export const replaySteps = process.env.BENCH_STEPS !== "0";

/** A search_catalog call and its answer as the offline model makes them, from the catalog of `url`. */
export async function catalogTool(url: string, query = "tent"): Promise<NonNullable<TurnSizes["tool"]>> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: [{ products }] } = await client.query("select public.search_catalog(p_query => $1, p_limit => 3) as products", [query]);
    return { name: "search_catalog", arguments: { query, limit: 3 }, result: { query, products: products ?? [] } };
  } finally {
    await client.end();
  }
}

const iso = (ms: number) => new Date(ms).toISOString();

/** A turn's three steps as lib/chat/agent-run.ts sends them to finish_turn (ids, parent, positions, tokens). */
export function turnSteps(sizes: TurnSizes, i: number): unknown[] {
  const tool = sizes.tool!;
  const at = Date.now() - 400;
  const first = randomUUID();
  const base = (kind: string, name: string, position: number, from: number, to: number, parent: string | null = null) => ({
    id: position === 0 ? first : randomUUID(), parent_id: parent, position, kind, name, status: "ok",
    started_at: iso(at + from), ended_at: iso(at + to), duration_ms: to - from, error: null,
  });
  const generation = (position: number, from: number, to: number, input: number, output: number, finish: string) => ({
    ...base("generation", "product_recommendation", position, from, to), model: "offline", response_model: null,
    input_tokens: input, output_tokens: output, cached_input_tokens: 0, time_to_first_token_ms: 12, finish_reason: finish,
  });
  return [
    generation(0, 0, 120, 300, 20, "tool-calls"),
    { ...base("tool", tool.name, 1, 120, 160, first), tool_call_id: `call-${i}`, arguments: tool.arguments, result: tool.result, payload_cap_bytes: 8192, truncated: false },
    generation(2, 160, 400, 412, 96, "stop"),
  ];
}

export async function sampleSizes(url: string): Promise<TurnSizes> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: users } = await client.query("select distinct content from public.conversation_messages where role = 'user' limit 20");
    // the agent message closest to the average size (content + metadata)
    const { rows: [agent] } = await client.query(
      `with a as (select content, metadata, length(content) + length(metadata::text) as size from public.conversation_messages where role = 'agent')
       select content, metadata from a order by abs(size - (select avg(size) from a)) limit 1`,
    );
    // the search_catalog step closest to the average size, as the HTTP runs stored it
    const { rows: [step] } = await client.query(
      `with o as (select arguments, result, length(arguments::text) + length(result::text) as size from public.llm_observations
                   where kind = 'tool' and name = 'search_catalog' and result is not null limit 2000)
       select arguments, result from o order by abs(size - (select avg(size) from o)) limit 1`,
    );
    const tool = step ? { name: "search_catalog", arguments: step.arguments, result: step.result } : await catalogTool(url);
    return { userMessages: users.map((r) => r.content as string), reply: agent?.content ?? "", replyMetadata: agent?.metadata ?? {}, tool };
  } finally {
    await client.end();
  }
}

/** Creates the peer's schema and `chats` chats, each with one earlier exchange (as the Threadline sessions have). */
export async function preparePeer(url: string, chats: number, sizes: TurnSizes): Promise<{ chatId: string; userId: string }[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(SCHEMA);
    const { rows } = await client.query(
      `with u as (insert into "User" (email) select 'bench-' || g from generate_series(1, $1) g returning id)
       insert into "Chat" ("createdAt", title, "userId") select now(), 'Bench chat', u.id from u returning id as "chatId", "userId"`,
      [chats],
    );
    await client.query(
      `insert into "Message_v2" ("chatId", role, parts, attachments, "createdAt")
       select c.id, r.role, r.parts::json, '[]', now() - interval '1 minute' + r.o * interval '1 second'
         from "Chat" c cross join (values (0, 'user', $1::text), (1, 'assistant', $2::text)) r(o, role, parts)`,
      [JSON.stringify([{ type: "text", text: "hello" }]), JSON.stringify(replyParts(sizes))],
    );
    await client.query("analyze");
    return rows as { chatId: string; userId: string }[];
  } finally {
    await client.end();
  }
}

/** The reply as the peer stores it: its text, and Threadline's metadata as a data part (same size); with steps,
 * the tool loop before it as the AI SDK's UI message parts (what ai-chatbot's onFinish saves). */
function replyParts(sizes: TurnSizes, steps = false, i = 0) {
  const text = [{ type: "text", text: sizes.reply }, { type: "data-metadata", data: sizes.replyMetadata }];
  if (!steps || !sizes.tool) return text;
  const tool = { type: `tool-${sizes.tool.name}`, toolCallId: `call-${i}`, state: "output-available", input: sizes.tool.arguments, output: sizes.tool.result };
  return [{ type: "step-start" }, tool, { type: "step-start" }, ...text];
}

export interface PeerResult {
  turns: number;
  seconds: number;
  turnsPerSecond: number;
  p50: number;
  p99: number;
  pgCpuMsPerTurn: number;
  statementsPerTurn: number;
}

export type Turn = (client: pg.PoolClient, i: number) => Promise<number>;

/** Runs `turn` on `clients` connections for `seconds`, round robin over the pool; PostgreSQL's CPU from /proc. */
export async function runTurns(url: string, clients: number, seconds: number, pgPid: number, turn: Turn): Promise<PeerResult> {
  const pool = new pg.Pool({ connectionString: url, max: clients, application_name: "bench-peer" });
  const conns = await Promise.all(Array.from({ length: clients }, () => pool.connect()));
  let next = 0;
  let statements = 0;
  const latencies: number[] = [];
  const warmUntil = performance.now() + 1000;
  for (const c of conns) await turn(c, next++); // prepare every statement on every connection
  while (performance.now() < warmUntil) await Promise.all(conns.map((c) => turn(c, next++)));
  const cpu0 = treeCpuMs(pgPid);
  const started = performance.now();
  const until = started + seconds * 1000;
  await Promise.all(
    conns.map(async (c) => {
      while (performance.now() < until) {
        const t0 = performance.now();
        const sent = await turn(c, next++);
        latencies.push(performance.now() - t0);
        statements += sent;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  const cpu = treeCpuMs(pgPid) - cpu0;
  for (const c of conns) c.release();
  await pool.end();
  const s = summarize(latencies);
  return {
    turns: latencies.length,
    seconds: elapsed,
    turnsPerSecond: latencies.length / elapsed,
    p50: s.p50,
    p99: s.p99,
    pgCpuMsPerTurn: cpu / latencies.length,
    statementsPerTurn: statements / latencies.length,
  };
}

/** One turn of vercel/ai-chatbot on an existing chat (optionally with the trace upsert). */
export function peerTurn(chats: { chatId: string; userId: string }[], sizes: TurnSizes, withTrace: boolean, steps = replaySteps): Turn {
  const usage = steps ? { inputTokens: 712, outputTokens: 116, totalTokens: 828, modelId: "offline" } : { inputTokens: 412, outputTokens: 96, totalTokens: 508, modelId: "offline" };
  return async (c, i) => {
    const chat = chats[i % chats.length];
    const q = (name: keyof typeof STATEMENTS, values: unknown[]) => c.query({ name: `peer_${name}`, text: STATEMENTS[name], values });
    const now = new Date();
    await q("count", [chat.userId, new Date(now.getTime() - 24 * 3_600_000), "user"]);
    const { rows } = await q("chat", [chat.chatId]);
    if (rows[0]?.userId !== chat.userId) throw new Error("peer: chat not found");
    await q("history", [chat.chatId]);
    const text = sizes.userMessages[i % sizes.userMessages.length] ?? "hello";
    await q("save", [randomUUID(), chat.chatId, "user", JSON.stringify([{ type: "text", text }]), "[]", now]);
    await q("stream", [randomUUID(), chat.chatId, now]);
    await q("save", [randomUUID(), chat.chatId, "assistant", JSON.stringify(replyParts(sizes, steps, i)), "[]", new Date()]);
    await q("context", [JSON.stringify(usage), chat.chatId]);
    if (!withTrace) return 7;
    await q("trace", [chat.chatId, chat.userId, usage.inputTokens, usage.outputTokens, 250, new Date()]);
    return 8;
  };
}

/** Threadline's two calls for a continued session, as lib/chat sends them (named arguments; named prepared
 * statements, as lib/db/postgres.ts prepares each call's text once per connection, and as the peer's are);
 * with steps, finish_turn gets the turn's three (p_observations) and the tokens they sum to. */
export function threadlineTurn(sessions: { userId: string; sessionId: string }[], sizes: TurnSizes, steps = replaySteps): Turn {
  return async (c, i) => {
    const s = sessions[i % sessions.length];
    const text = sizes.userMessages[i % sizes.userMessages.length] ?? "hello";
    const { rows } = await c.query({ name: "threadline_begin", text: "select public.begin_turn(p_user_id => $1, p_message => $2, p_session_id => $3) as result", values: [s.userId, text, s.sessionId] });
    const begun = rows[0].result as { user_message: { id: string } };
    if (steps && sizes.tool) {
      await c.query({
        name: "threadline_finish_steps",
        text: "select public.finish_turn(p_user_message_id => $1, p_content => $2, p_metadata => $3, p_input_tokens => $4, p_output_tokens => $5, p_latency_ms => $6, p_partial => $7, p_observations => $8, p_handoff => $9) as result",
        values: [begun.user_message.id, sizes.reply, JSON.stringify(sizes.replyMetadata), 712, 116, 400, false, JSON.stringify(turnSteps(sizes, i)), null],
      });
      return 2;
    }
    await c.query({
      name: "threadline_finish",
      text: "select public.finish_turn(p_user_message_id => $1, p_content => $2, p_metadata => $3, p_input_tokens => $4, p_output_tokens => $5, p_latency_ms => $6) as result",
      values: [begun.user_message.id, sizes.reply, JSON.stringify(sizes.replyMetadata), 412, 96, 250],
    });
    return 2;
  };
}
