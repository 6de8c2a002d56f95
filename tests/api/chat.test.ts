import { randomUUID } from "node:crypto";
import type pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { signVisitor } from "@/lib/http/visitor-cookie";
import type { App } from "../support/app";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";

// The rule codes in the test names (R1–R11, T1–T3) are defined in docs/rules.md.

// POST /api/chat and the visitor routes through HTTP, against `next start` on real PostgreSQL.
let app: App;
let db: pg.Pool;
const secret = "test-session-secret";

beforeAll(async () => {
  ({ app, db } = await startAppOnFreshDatabase({ SESSION_SECRET: secret }, 3));
});
afterAll(() => stopAppAndPool(app, db));

const q = async <R = Record<string, unknown>>(text: string, params: unknown[] = []) => (await db.query(text, params)).rows as R[];

describe("the agent-switch scenario", () => {
  it("A, continue, B, continue, back to A → 3 sessions, 3 traces; llm_calls = the generations of each", async () => {
    const v = new Visitor(app.url);
    const a1 = await v.chat({ message: "I need a tent", agent: "product_recommendation" });
    const a2 = await v.chat({ message: "something lighter", sessionId: a1.sessionId });
    const b1 = await v.chat({ message: "pitch me the tent", agent: "sales_pitch", sessionId: a2.sessionId });
    const b2 = await v.chat({ message: "why should I buy it?", sessionId: b1.sessionId });
    const c1 = await v.chat({ message: "back to recommendations", agent: "product_recommendation", sessionId: b2.sessionId });
    expect([a1.newSession, a2.newSession, b1.newSession, b2.newSession, c1.newSession]).toEqual([true, false, true, false, true]);
    expect(a2.sessionId).toBe(a1.sessionId);
    expect(new Set([a1.sessionId, b1.sessionId, c1.sessionId]).size).toBe(3);
    expect(c1.sessionTag).toMatch(/_003$/);
    const rows = await q<{ agent_type: string; llm_calls: number; generations: number; turns: number; is_active: boolean; session_tag: string }>(
      `select t.agent_type, t.llm_calls, s.is_active, t.session_tag,
              (select count(*)::int from llm_observations o where o.trace_id = t.id and o.kind = 'generation') as generations,
              (select count(distinct o.message_id)::int from llm_observations o where o.trace_id = t.id) as turns
         from llm_traces t join conversation_sessions s on s.id = t.session_id
        where t.user_id = (select user_id from conversation_sessions where id = $1) order by t.created_at`, [a1.sessionId]);
    expect(rows.map((r) => [r.agent_type, r.turns, r.is_active])).toEqual([
      ["product_recommendation", 2, false],
      ["sales_pitch", 2, false],
      ["product_recommendation", 1, true],
    ]);
    for (const r of rows) expect(r.llm_calls).toBe(r.generations);
    expect(rows[0].llm_calls).toBeGreaterThanOrEqual(4); // each turn: at least a tool step and a text step
  });
});

describe("sessions through HTTP", () => {
  it("30 concurrent first messages from one visitor → one session", async () => {
    const id = randomUUID();
    const cookie = `tl_visitor=${signVisitor(id, secret)}`;
    const results = await Promise.all(
      Array.from({ length: 30 }, (_, i) =>
        fetch(`${app.url}/api/chat`, { method: "POST", headers: { "content-type": "application/json", cookie }, body: JSON.stringify({ message: `hi ${i}` }) })
          .then((r) => r.json() as Promise<{ sessionId: string }>)),
    );
    expect(new Set(results.map((r) => r.sessionId)).size).toBe(1);
    const [n] = await q<{ sessions: number; traces: number; replies: number }>(
      `select (select count(*)::int from conversation_sessions where user_id = $1) as sessions,
              (select count(*)::int from llm_traces where user_id = $1) as traces,
              (select count(*)::int from conversation_messages where user_id = $1 and role = 'agent') as replies`, [id]);
    expect(n).toEqual({ sessions: 1, traces: 1, replies: 30 });
  });

  it("a repeated clientMessageId returns the first result and writes nothing", async () => {
    const v = new Visitor(app.url);
    const clientMessageId = randomUUID();
    const first = await v.chat({ message: "a warm jacket please", clientMessageId });
    const count = async () => (await q<{ n: number }>("select count(*)::int as n from conversation_messages where session_id = $1", [first.sessionId]))[0].n;
    const before = await count();
    const again = await v.chat({ message: "a warm jacket please", clientMessageId });
    expect(again).toEqual(first);
    expect(await count()).toBe(before);
  });

  it("a foreign session id is 404 not_found:session and writes nothing", async () => {
    const owner = new Visitor(app.url);
    const mine = await owner.chat({ message: "hello" });
    const stranger = new Visitor(app.url);
    await stranger.chat({ message: "hi" });
    const before = await q("select count(*)::int as n from conversation_messages");
    for (const [method, path, body] of [
      ["POST", "/api/chat", { message: "let me in", sessionId: mine.sessionId }],
      ["GET", `/api/sessions/${mine.sessionId}/messages`, undefined],
      ["POST", `/api/sessions/${mine.sessionId}/end`, {}],
      ["POST", `/api/sessions/${mine.sessionId}/feedback`, { rating: "negative" }],
    ] as const) {
      const res = method === "GET" ? await stranger.request(path) : await stranger.post(path, body);
      expect(res.status, path).toBe(404);
      expect(await res.json()).toEqual({ error: { code: "not_found:session", message: expect.any(String) } });
    }
    expect(await q("select count(*)::int as n from conversation_messages")).toEqual(before);
    const [s] = await q<{ is_active: boolean }>("select is_active from conversation_sessions where id = $1", [mine.sessionId]);
    expect(s.is_active).toBe(true);
  });

  it("R6: after the visitor ends a session, its id starts a new one with the same agent", async () => {
    const v = new Visitor(app.url);
    const a = await v.chat({ message: "pitch me something", agent: "sales_pitch" });
    const ended = await v.post(`/api/sessions/${a.sessionId}/end`, {});
    expect(ended.status).toBe(200);
    const b = await v.chat({ message: "again", sessionId: a.sessionId });
    expect(b).toMatchObject({ newSession: true, agent: { key: "sales_pitch" } });
    expect(b.sessionId).not.toBe(a.sessionId);
  });

  it("R11: tracking false → a session without a trace, and feedback says so", async () => {
    const v = new Visitor(app.url);
    const r = await v.chat({ message: "hello", tracking: false });
    expect(r.traceId).toBeNull();
    expect(await q("select 1 from llm_traces where session_id = $1", [r.sessionId])).toHaveLength(0);
    const fb = await v.post(`/api/sessions/${r.sessionId}/feedback`, { rating: "positive" });
    expect(fb.status).toBe(409);
  });

  it("history and feedback for the visitor's own session", async () => {
    const v = new Visitor(app.url);
    const r = await v.chat({ message: "show me backpacks", agent: "product_recommendation" });
    const res = await v.request(`/api/sessions/${r.sessionId}/messages`);
    const h = await res.json();
    expect(h.messages.map((m: { role: string }) => m.role)).toEqual(["user", "agent"]);
    expect(h.messages[1]).toMatchObject({ id: r.reply.id, content: r.reply.content, buttons: r.reply.buttons, partial: false });
    const fb = await v.post(`/api/sessions/${r.sessionId}/feedback`, { rating: "positive", comment: "great" });
    expect(await fb.json()).toMatchObject({ feedback: "positive", comment: "great", traceId: r.traceId });
    const [t] = await q("select feedback, feedback_comment from llm_traces where session_id = $1", [r.sessionId]);
    expect(t).toEqual({ feedback: "positive", feedback_comment: "great" });
  });
});
