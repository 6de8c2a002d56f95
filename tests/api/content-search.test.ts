import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { App } from "../support/app";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";

// GET /api/traces?q=<words>: a q that does not read as a tag searches what was said
// (docs/architecture.md, "Search box"); retention's removed conversations are not found.
let app: App;
let db: pg.Pool;
const token = "operator-token-for-tests-of-32-characters";
const auth = { authorization: `Bearer ${token}` };
let tent: { traceId: string; tag: string };
let removed: { traceId: string };

async function traceOf(sessionId: string) {
  const { rows } = await db.query<{ id: string; session_tag: string }>("select id, session_tag from llm_traces where session_id = $1", [sessionId]);
  return { traceId: rows[0].id, tag: rows[0].session_tag };
}

beforeAll(async () => {
  ({ app, db } = await startAppOnFreshDatabase({ ADMIN_TOKEN: token }));
  const a = await new Visitor(app.url).chat({ message: "I want a refund for my tent", agent: "order_assistant" });
  tent = await traceOf(a.sessionId);
  const b = await new Visitor(app.url).chat({ message: "Can I get a refund on this old stove?", agent: "order_assistant" });
  removed = await traceOf(b.sessionId);
  // the old conversation passes the retention limit and is removed
  await db.query("update conversation_messages set created_at = now() - interval '60 days' where session_id = $1", [b.sessionId]);
  await db.query(
    "update llm_observations set created_at = now() - interval '60 days', started_at = started_at - interval '60 days', ended_at = ended_at - interval '60 days' where session_id = $1",
    [b.sessionId],
  );
  await db.query("select public.configure_retention(p_days => 30)");
  for (let i = 0; i < 10 && (await db.query("select public.apply_retention() as r")).rows[0].r.more; i++);
  await db.query("select public.configure_retention(p_days => null)");
});
afterAll(() => stopAppAndPool(app, db));

const get = (path: string) => fetch(app.url + path, { headers: auth });

it("finds the trace whose visitor wrote the word, with the message and the word marked, not the one retention removed", async () => {
  const res = await get("/api/traces?q=refund");
  expect(res.status).toBe(200);
  const body = await res.json();
  const ids = body.traces.map((t: { id: string }) => t.id);
  expect(ids).toContain(tent.traceId);
  expect(ids).not.toContain(removed.traceId);
  const row = body.traces.find((t: { id: string }) => t.id === tent.traceId);
  const [{ id: messageId }] = (await db.query("select m.id from conversation_messages m join llm_traces t on t.session_id = m.session_id where t.id = $1 and m.role = 'user'", [tent.traceId])).rows;
  expect(row.match).toEqual({ kind: "message", messageId, observationId: null, role: "user", name: null, snippet: "I want a \u0002refund\u0003 for my tent" });
  // the removed trace is still there, by its tag: only its words are gone
  const byTag = await (await get(`/api/traces?sessionTag=${(await db.query("select session_tag from llm_traces where id = $1", [removed.traceId])).rows[0].session_tag}`)).json();
  expect(byTag.traces.map((t: { id: string }) => t.id)).toContain(removed.traceId);
});

it("keeps a q that reads as a tag a tag search", async () => {
  const body = await (await get(`/api/traces?q=${tent.tag.slice(11)}`)).json();
  expect(body.traces.map((t: { id: string }) => t.id)).toContain(tent.traceId);
  expect(body.traces.every((t: { match: unknown }) => t.match === null)).toBe(true);
});
