import type pg from "pg";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { App } from "../support/app";
import { Visitor } from "../support/client";
import { startAppOnFreshDatabase, stopAppAndPool } from "../support/databases";

// Endings through HTTP against `next start`: a new chat ends the session as `new_chat`, every ending
// is one `session.ended` log line with its figures, and the app's maintenance job (no pg_cron in this
// database) closes sessions nobody came back to (docs/architecture.md, "Session lifecycle").
let app: App;
let db: pg.Pool;

beforeAll(async () => {
  ({ app, db } = await startAppOnFreshDatabase({ SESSION_SECRET: "test-session-secret", MAINTENANCE_INTERVAL_SECONDS: "3600", SESSION_IDLE_MINUTES: "60" }, 3));
});
afterAll(() => stopAppAndPool(app, db));

const logLines = () => app.logs.flatMap((line) => {
  try {
    return [JSON.parse(line) as Record<string, unknown>];
  } catch {
    return [];
  }
});

it("the widget's new chat ends the session as new_chat, logged with duration and message count", async () => {
  const v = new Visitor(app.url);
  const a = await v.chat({ message: "pitch me something", agent: "sales_pitch" });
  const ended = await v.post(`/api/sessions/${a.sessionId}/end`, { reason: "new_chat" });
  expect(ended.status).toBe(200);
  const [row] = (await db.query("select end_reason from conversation_sessions where id = $1", [a.sessionId])).rows;
  expect(row.end_reason).toBe("new_chat");
  expect(logLines()).toContainEqual(expect.objectContaining({
    event: "session.ended", sessionId: a.sessionId, reason: "new_chat", messageCount: 2, durationSeconds: expect.any(Number), by: "visitor",
  }));
});

it("an unknown end reason is 400 bad_request:session and ends nothing", async () => {
  const v = new Visitor(app.url);
  const a = await v.chat({ message: "hello" });
  const res = await v.post(`/api/sessions/${a.sessionId}/end`, { reason: "idle" });
  expect(res.status).toBe(400);
  expect((await res.json()).error.code).toBe("bad_request:session");
  const [row] = (await db.query("select is_active from conversation_sessions where id = $1", [a.sessionId])).rows;
  expect(row.is_active).toBe(true);
});

it("without pg_cron the app schedules maintenance, and its run at start closes a session nobody came back to", async () => {
  expect(logLines()).toContainEqual(expect.objectContaining({ event: "maintenance.scheduled", scheduler: "app", intervalSeconds: 3600 }));
  const v = new Visitor(app.url);
  const a = await v.chat({ message: "hello", agent: "order_assistant" });
  await db.query("update conversation_sessions set last_activity_at = now() - interval '2 hours' where id = $1", [a.sessionId]);
  await app.restart();
  // the first run starts with the server, in the background: wait for its line (not a timing assertion)
  const closedLine = () => logLines().find((l) => l.event === "session.ended" && l.sessionId === a.sessionId);
  for (let i = 0; i < 150 && !closedLine(); i++) await new Promise((r) => setTimeout(r, 200));
  expect(closedLine()).toMatchObject({ reason: "idle", messageCount: 2, durationSeconds: expect.any(Number), by: "maintenance" });
  const [row] = (await db.query("select end_reason, ended_at = last_activity_at as at_last_activity from conversation_sessions where id = $1", [a.sessionId])).rows;
  expect(row).toEqual({ end_reason: "idle", at_last_activity: true });
});
