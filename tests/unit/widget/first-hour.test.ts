import { describe, expect, it } from "vitest";
import { FEEDBACK_AFTER_TURNS, feedbackTargets, messagesFromHistory } from "@/components/chat/chat-messages";
import { shownSessionTag } from "@/components/chat/session-tag";
import { startsNewSession } from "@/components/chat/session-boundaries";
import { lifecycleEvents } from "@/components/traces/lifecycle-events";
import type { ChatMessage } from "@/components/chat/types";
import type { SessionHistory } from "@/lib/chat/wire";

// What a visitor sees in the widget's first hour (docs/widget.md): no tag without a trace, the rating
// once there is a conversation to rate, a handoff's note and divider after a reload; and the trace
// page's lifecycle lists a handoff once.

const msg = (key: string, role: "user" | "agent", sessionId: string): ChatMessage => ({
  key, id: key, role, content: key, buttons: [], createdAt: "2026-12-07T10:00:00Z", sessionId, status: "done", vote: null,
});

describe("the session badge", () => {
  it("shows no tag for a session without a trace (tracking off)", () => {
    expect(shownSessionTag({ sessionTag: "chat_model_abc123_001", traceId: null })).toBeNull();
    expect(shownSessionTag({ sessionTag: "chat_model_abc123_001", traceId: "t1" })).toBe("chat_model_abc123_001");
    expect(shownSessionTag(null)).toBeNull();
  });
});

describe("Was this chat helpful?", () => {
  const turns = (n: number) => Array.from({ length: n }, (_, i) => [msg(`u${i}`, "user", "s1"), msg(`a${i}`, "agent", "s1")]).flat();

  it("waits until the conversation has a few turns", () => {
    expect(feedbackTargets([msg("greet", "agent", "s1"), ...turns(1)], {}, "s1").size).toBe(0);
    expect(feedbackTargets(turns(FEEDBACK_AFTER_TURNS - 1), {}, "s1").size).toBe(0);
    expect([...feedbackTargets(turns(FEEDBACK_AFTER_TURNS), {}, "s1")]).toEqual([`a${FEEDBACK_AFTER_TURNS - 1}`]);
  });

  it("shows at once when the session has ended, but never on an untracked one", () => {
    expect([...feedbackTargets(turns(1), {}, "s2")]).toEqual(["a0"]);
    expect([...feedbackTargets(turns(1), {}, null)]).toEqual(["a0"]);
    expect(feedbackTargets(turns(1), { s1: false }, null).size).toBe(0);
  });
});

describe("a handoff after a reload", () => {
  const stored = (id: string, role: "user" | "agent", content: string) => ({ id, role, content, buttons: [], createdAt: "2026-12-07T10:00:00Z", partial: false, vote: null, audioUrl: null });
  const history: SessionHistory = {
    sessionId: "s2", sessionTag: "chat_model_abc123_002", traceId: "t2", isActive: true, trackingEnabled: true,
    agent: { key: "order_assistant", name: "Order Assistant" }, model: { key: "offline", name: "Threadline Offline" },
    startedAt: "2026-12-07T10:00:00Z", endedAt: null,
    messages: [stored("q2", "user", "25 headlamps please"), stored("r2", "agent", "25 headlamps, noted.")],
    handoff: { fromSessionId: "s1", fromAgent: { key: "product_recommendation", name: "Product Recommendation" }, questionId: "q2", note: stored("n1", "agent", "Let me hand you to our Order Assistant.") },
  };

  it("shows the question and the note in the session that ended, then the divider naming the new agent", () => {
    const messages = messagesFromHistory(history);
    expect(messages.map((m) => [m.content, m.sessionId, m.handoff?.to.name ?? null])).toEqual([
      ["25 headlamps please", "s1", null],
      ["Let me hand you to our Order Assistant.", "s1", null],
      ["25 headlamps, noted.", "s2", "Order Assistant"],
    ]);
    expect(messages.map((_, i) => startsNewSession(messages, i))).toEqual([false, false, true]);
  });

  it("a session not opened by a handoff is shown as stored", () => {
    expect(messagesFromHistory({ ...history, handoff: null }).map((m) => m.sessionId)).toEqual(["s2", "s2"]);
  });
});

describe("the trace page's lifecycle", () => {
  it("lists a handoff once: started · agent switch (handoff), not also switched", () => {
    const events = [
      { id: 1, sessionId: "s1", event: "ended", reason: "agent_switch", detail: {} },
      { id: 2, sessionId: "s2", event: "started", reason: "agent_switch", detail: {} },
      { id: 3, sessionId: "s2", event: "switched", reason: "agent_switch", detail: { via: "handoff" } },
    ];
    expect(lifecycleEvents(events).map((e) => [e.event, e.reason, e.via])).toEqual([
      ["ended", "agent_switch", null],
      ["started", "agent_switch", "handoff"],
    ]);
  });
});
