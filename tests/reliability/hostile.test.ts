import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signVisitor } from "@/lib/http/visitor-cookie";
import { startApp, type App } from "../support/app";
import { Visitor, type ChatReply } from "../support/client";
import { freshPostgresUrl } from "../support/databases";
import { figure, tableCounts, type TableCounts } from "./helpers";

// The hostile input corpus (tests/reliability/corpus/hostile-requests.json): every
// bad request gets its documented 4xx and typed error code, never a 500 or a stack
// trace; the database is unchanged unless the request was valid (and then the text
// is stored verbatim); the server stays up.

type Body =
  | { kind: "raw"; text: string }
  | { kind: "json"; value: unknown }
  | { kind: "hex"; hex: string }
  | { kind: "repeat"; template: string; unit: string; times: number }
  | { kind: "nest"; template: string; open: string; close: string; depth: number; inner?: string }
  | { kind: "stream"; unit: string; times: number };

interface HostileCase {
  name: string;
  category: string;
  method: string;
  path: string;
  /** whose credentials: self (a visitor of its own), operator (bearer token), none, or a forged visitor cookie */
  as: "self" | "operator" | "none" | "tampered" | "forged" | "bare" | "fakeSignature" | "garbage" | "crlf";
  headers?: Record<string, string>;
  body?: Body;
  expect: { status: number; code: string | null };
  /** a legitimate request with hostile content: it may write, and what it stores must be verbatim */
  valid?: boolean;
  bodyMatch?: unknown;
  /** the product fix this case needs (see docs/reliability.md) */
  fix?: string;
}

const corpus = JSON.parse(readFileSync(path.join(import.meta.dirname, "corpus/hostile-requests.json"), "utf8")) as HostileCase[];

let app: App;
let db: pg.Pool;
const secret = "reliability-hostile";
const token = "reliability-hostile-admin-token-of-32-chars";
const victimId = "0c0c0c0c-1111-4222-8333-444455556666";
let victim: Visitor;
let self: Visitor;
let victimChat: ChatReply;
let selfChat: ChatReply;
let vars: Record<string, string>;

beforeAll(async () => {
  const url = await freshPostgresUrl();
  db = new pg.Pool({ connectionString: url, max: 2 });
  app = await startApp({ DATABASE_URL: url, SESSION_SECRET: secret, ADMIN_TOKEN: token });
  victim = new Visitor(app.url);
  victim.cookie = `tl_visitor=${signVisitor(victimId, secret)}`;
  const victimClientMessageId = randomUUID();
  victimChat = await victim.chat({ message: "my secret order: 25 headlamps", agent: "order_assistant", clientMessageId: victimClientMessageId });
  self = new Visitor(app.url);
  selfChat = await self.chat({ message: "I need a light tent" });
  const [selfTrace] = (await db.query("select id from llm_traces where session_id = $1", [selfChat.sessionId])).rows;
  vars = {
    victimSession: victimChat.sessionId,
    victimSessionUpper: victimChat.sessionId.toUpperCase(),
    victimClientMessageId,
    selfSession: selfChat.sessionId,
    selfTrace: selfTrace.id,
  };
});
afterAll(async () => {
  await app?.stop();
  await db?.end();
});

const fill = (s: string) => s.replace(/\{\{(\w+)\}\}/g, (_, k: string) => (k === "randomUuid" ? randomUUID() : vars[k] ?? `{{${k}}}`));
const fillDeep = (v: unknown): unknown =>
  typeof v === "string" ? fill(v) : Array.isArray(v) ? v.map(fillDeep) : v && typeof v === "object" ? Object.fromEntries(Object.entries(v).map(([k, x]) => [k, fillDeep(x)])) : v;

function bodyOf(c: HostileCase): BodyInit | undefined {
  const b = c.body;
  if (!b) return undefined;
  switch (b.kind) {
    case "raw":
      return fill(b.text);
    case "json": {
      const value = fillDeep(b.value) as Record<string, unknown>;
      // a valid chat request gets its own clientMessageId so we can find what it stored
      if (c.valid && c.path === "/api/chat" && value && typeof value === "object" && !("clientMessageId" in value)) value.clientMessageId = randomUUID();
      return JSON.stringify(value);
    }
    case "hex":
      return Buffer.from(b.hex, "hex");
    case "repeat":
      return fill(b.template).replace("$", b.unit.repeat(b.times));
    case "nest":
      return b.template.replace("$", b.open.repeat(b.depth) + (b.inner ?? "") + b.close.repeat(b.depth));
    case "stream": {
      const chunk = new TextEncoder().encode(b.unit.repeat(1000));
      let sent = 0;
      return new ReadableStream({
        pull(controller) {
          if (sent >= b.times) return controller.close();
          controller.enqueue(chunk);
          sent += 1000;
        },
      });
    }
  }
}

function credentials(as: HostileCase["as"]): Record<string, string> {
  const genuine = signVisitor(victimId, secret);
  switch (as) {
    case "self":
      return { cookie: self.cookie };
    case "operator":
      return { authorization: `Bearer ${token}` };
    case "none":
      return {};
    case "tampered": // the victim's id, one character of the signature changed
      return { cookie: `tl_visitor=${genuine.slice(0, -1)}${genuine.endsWith("A") ? "B" : "A"}` };
    case "forged":
      return { cookie: `tl_visitor=${signVisitor(victimId, "guessed-secret")}` };
    case "bare":
      return { cookie: `tl_visitor=${victimId}` };
    case "fakeSignature":
      return { cookie: `tl_visitor=${victimId}.${"A".repeat(43)}` };
    case "garbage":
      return { cookie: `tl_visitor=${"%27%3B--".repeat(1500)}` };
    case "crlf":
      return { cookie: `tl_visitor=${victimId}%0d%0aSet-Cookie:%20tl_visitor=${genuine}` };
  }
}

interface Outcome {
  c: HostileCase;
  status: number;
  code: string | null;
  body: string;
  setCookie: string | null;
  sent?: Record<string, unknown>;
}

async function send(c: HostileCase): Promise<Outcome> {
  const body = bodyOf(c);
  const init: RequestInit & { duplex?: string } = {
    method: c.method,
    // a body the server refuses before reading it leaves the connection unusable: do not reuse it
    headers: { ...(c.headers ?? {}), ...credentials(c.as), ...(c.expect.status === 413 ? { connection: "close" } : {}) },
    body,
    ...(body instanceof ReadableStream ? { duplex: "half" } : {}),
  };
  const res = await fetch(app.url + fill(c.path), init);
  let text: string;
  try {
    text = await res.text();
  } catch (error) {
    text = `<<the response body was cut: ${String((error as Error).cause ?? error)}>>`;
  }
  let code: string | null = null;
  try {
    code = (JSON.parse(text) as { error?: { code?: string } }).error?.code ?? null;
  } catch {
    code = null;
  }
  let sent: Record<string, unknown> | undefined;
  if (typeof body === "string" && c.valid) sent = JSON.parse(body) as Record<string, unknown>;
  return { c, status: res.status, code, body: text, setCookie: res.headers.get("set-cookie"), sent };
}

const outcomes: Outcome[] = [];
let unchangedChecks = 0;
let verbatim = 0;

describe("hostile input corpus", () => {
  // that each documented answer is a real typed error of lib/errors.ts: tests/unit/http/errors.test.ts
  it.each(corpus.map((c) => [`${c.category}: ${c.name}${c.fix ? ` [needs ${c.fix}]` : ""}`, c] as const))("%s", async (_label, c) => {
    const before: TableCounts = await tableCounts(db);
    const o = await send(c);
    outcomes.push(o);
    // never a 500, never a stack trace
    expect(o.body).not.toMatch(/\bat .+\.(js|ts|mjs):\d+|node_modules|webpack|turbopack/i);
    expect({ status: o.status, code: o.code }).toEqual({ status: c.expect.status, code: c.expect.code });
    if (c.expect.code) expect(JSON.parse(o.body)).toEqual({ error: { code: c.expect.code, message: expect.any(String) } });
    if (c.bodyMatch) expect(JSON.parse(o.body)).toEqual(c.bodyMatch);

    const after = await tableCounts(db);
    if (!c.valid) {
      // a refused request writes nothing
      expect(after).toEqual(before);
      unchangedChecks++;
    } else if (c.path === "/api/chat" && o.sent) {
      // a valid message is stored exactly as sent, once, in the sender's own session
      const reply = JSON.parse(o.body) as ChatReply;
      const rows = (await db.query<{ content: string; session_id: string; user_id: string }>(
        "select content, session_id, user_id from conversation_messages where client_message_id = $1 and role = 'user' and session_id = $2",
        [o.sent.clientMessageId, reply.sessionId],
      )).rows;
      expect(rows).toHaveLength(1);
      expect(rows[0].content).toBe(o.sent.message);
      expect(rows[0].user_id).not.toBe(victimId);
      expect(reply.sessionId).not.toBe(victimChat.sessionId);
      expect(reply.reply.id).not.toBe(victimChat.reply.id);
      verbatim++;
    } else {
      expect(after).toEqual(before);
      unchangedChecks++;
    }
    // a forged cookie never becomes the victim: at most a brand-new visitor cookie is issued
    if (o.setCookie) expect(o.setCookie).not.toContain(signVisitor(victimId, secret));
  });

  it("afterwards the server is up and the victim's session is untouched", async () => {
    const health = await fetch(`${app.url}/api/health`);
    expect(health.status).toBe(200);
    const mine = await victim.request(`/api/sessions/${victimChat.sessionId}/messages`);
    expect(mine.status).toBe(200);
    const history = (await mine.json()) as { isActive: boolean; messages: { content: string }[] };
    expect(history.isActive).toBe(true);
    expect(history.messages.map((m) => m.content)).toEqual(["my secret order: 25 headlamps", victimChat.reply.content]);
    const [trace] = (await db.query(
      "select llm_calls, feedback, (select count(*)::int from llm_observations o where o.trace_id = t.id and o.kind = 'generation') as generations from llm_traces t where session_id = $1",
      [victimChat.sessionId])).rows;
    expect(trace).toEqual({ llm_calls: trace.generations, generations: expect.any(Number), feedback: "pending" });
    expect(trace.generations).toBeGreaterThan(0);
    expect(app.logs.filter((l) => /uncaught|unhandled|ECONNRESET/i.test(l))).toEqual([]);

    const byStatus = new Map<number, number>();
    for (const o of outcomes) byStatus.set(o.status, (byStatus.get(o.status) ?? 0) + 1);
    const matched = outcomes.filter((o) => o.status === o.c.expect.status && o.code === o.c.expect.code).length;
    const fives = outcomes.filter((o) => o.status >= 500).length;
    const categories = new Set(corpus.map((c) => c.category)).size;
    figure(
      `hostile corpus: ${corpus.length} requests in ${categories} categories → ${matched}/${outcomes.length} got their documented status and code ` +
        `(${[...byStatus].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}×${n}`).join(", ")}); ${fives} server errors; ` +
        `${unchangedChecks} refused/read-only requests left every table count unchanged; ${verbatim} valid hostile messages stored verbatim; health 200 after`,
    );
  });
});
