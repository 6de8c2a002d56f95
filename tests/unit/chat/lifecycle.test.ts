import { afterEach, expect, it, vi } from "vitest";
import type { BeginResult, TurnRequest } from "@/lib/chat/begin";
import { logLifecycle } from "@/lib/chat/lifecycle";
import { log } from "@/lib/log";

// Every session a turn ends is one `session.ended` line with reason, duration and message count.

const request: TurnRequest = {
  visitorId: "v-1", requestId: "req-1", modelKey: "offline", defaultAgent: "product_recommendation",
  idleMinutes: 1440, rateLimit: 0, ipRateLimit: 0,
};

function ending(sessionId: string, reason: string, event: string, duration: number, messages: number) {
  return {
    session_id: sessionId, user_id: "v-1", event, reason, agent_type: "sales_pitch", channel: "web", session_tag: "chat_model_abcdef_001",
    started_at: "2026-11-28T10:00:00+00:00", ended_at: "2026-11-29T10:00:00+00:00", duration_seconds: duration, message_count: messages,
  };
}

type Begun = Exclude<BeginResult, { status: "rate_limited" }>;

function begun(over: Partial<Begun>): Begun {
  return {
    status: "started", choice: "session", new_session: true, reason: "expired_previous", previous_session_id: "s-old",
    session: { id: "s-new", agent_type: "sales_pitch", session_tag: "chat_model_abcdef_002", trace_id: "t-1" } as never,
    user_message: {} as never, reply: null, action_source: null, history: [], flows: {},
    agent: {} as never, handoff_agents: [],
    ...over,
  };
}

// lib/log.ts writes asynchronously (pino): the test reads what was logged, event and fields
vi.mock("@/lib/log", () => ({ log: vi.fn() }));

/** Captures the log lines (event + fields) written from now on. */
function logged(): () => Record<string, unknown>[] {
  const spy = vi.mocked(log);
  spy.mockClear();
  return () => spy.mock.calls.map(([event, fields]) => ({ event, ...fields }));
}

afterEach(() => {
  vi.restoreAllMocks();
});

it("logs session.ended for each ending begin_turn reports, with its figures", () => {
  const lines = logged();
  logLifecycle(begun({ ended: [ending("s-old", "idle", "expired", 86_400, 12), ending("s-other", "superseded", "ended", 30, 2)] }), request);
  const ended = lines().filter((l) => l.event === "session.ended");
  expect(ended).toEqual([
    expect.objectContaining({ requestId: "req-1", visitor: "v-1", sessionId: "s-old", reason: "idle", durationSeconds: 86_400, messageCount: 12, agent: "sales_pitch" }),
    expect.objectContaining({ sessionId: "s-other", reason: "superseded", durationSeconds: 30, messageCount: 2 }),
  ]);
  expect(lines().map((l) => l.event)).toEqual(["session.ended", "session.ended", "session.expired", "session.started"]);
});

it("an ending of the wrong shape fails loudly instead of logging a line without figures", () => {
  logged();
  expect(() => logLifecycle(begun({ ended: [{ session_id: "s-old", reason: "idle" }] }), request)).toThrow();
});

it("a begin_turn without `ended` still logs the agent switch", () => {
  const lines = logged();
  logLifecycle(begun({ reason: "agent_switch" }), request);
  expect(lines().filter((l) => l.event === "session.ended")).toEqual([expect.objectContaining({ sessionId: "s-old", reason: "agent_switch" })]);
});
