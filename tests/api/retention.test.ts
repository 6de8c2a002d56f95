import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { App } from "../support/app";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";

// RETENTION_DAYS end to end (docs/performance.md, "Retention"): the server writes the limit into
// the database at start, its maintenance timer removes the old conversation, and the explorer's
// detail keeps the trace's figures and says the conversation was removed by retention.
let app: App;
let db: pg.Pool;
const token = "operator-token-for-tests-of-32-characters";
const auth = { authorization: `Bearer ${token}` };

beforeAll(async () => {
  ({ app, db } = await startAppOnFreshDatabase({ ADMIN_TOKEN: token, RETENTION_DAYS: "30", MAINTENANCE_INTERVAL_SECONDS: "1" }));
});
afterAll(() => stopAppAndPool(app, db));

const detail = async (traceId: string) => {
  const res = await fetch(`${app.url}/api/traces/${traceId}`, { headers: auth });
  expect(res.status).toBe(200);
  return res.json();
};
const traceOf = async (sessionId: string) =>
  (await db.query<{ id: string }>("select id from llm_traces where session_id = $1", [sessionId])).rows[0].id;

it("the detail of a trace whose conversation retention removed keeps its figures and says so", async () => {
  expect((await db.query("select retention_days from retention_settings")).rows).toEqual([{ retention_days: 30 }]);
  const old = new Visitor(app.url);
  const a = await old.chat({ message: "a tent", agent: "product_recommendation" });
  await old.chat({ message: "lighter please", sessionId: a.sessionId });
  const recent = new Visitor(app.url);
  const b = await recent.chat({ message: "a headlamp", agent: "product_recommendation" });
  const [oldTrace, recentTrace] = [await traceOf(a.sessionId), await traceOf(b.sessionId)];
  const before = await detail(oldTrace);
  expect(before.trace.conversationRemovedAt).toBeNull();
  expect(before.messages.length).toBe(4);
  await db.query("update llm_traces set feedback = 'positive' where id = $1", [oldTrace]);

  // the first conversation is 40 days old now
  await db.query("update conversation_messages set created_at = created_at - interval '40 days' where session_id = $1", [a.sessionId]);
  await db.query("update llm_observations set created_at = created_at - interval '40 days' where session_id = $1", [a.sessionId]);

  // the server's maintenance timer (every second here) applies the limit
  let after = await detail(oldTrace);
  for (let i = 0; i < 100 && after.trace.conversationRemovedAt === null; i++) {
    await new Promise((r) => setTimeout(r, 100));
    after = await detail(oldTrace);
  }
  expect(after.trace.conversationRemovedAt).toEqual(expect.any(String));
  expect(after.messages).toEqual([]);
  expect(after.steps).toEqual([]);
  const figures = ({ llmCalls, inputTokens, outputTokens, totalTokens, costUsd, toolCalls, sessionTag }: Record<string, unknown>) =>
    ({ llmCalls, inputTokens, outputTokens, totalTokens, costUsd, toolCalls, sessionTag });
  expect(figures(after.trace)).toEqual(figures(before.trace));
  expect(after.trace.feedback).toBe("positive");

  const untouched = await detail(recentTrace);
  expect(untouched.trace.conversationRemovedAt).toBeNull();
  expect(untouched.messages.length).toBe(2);
});
