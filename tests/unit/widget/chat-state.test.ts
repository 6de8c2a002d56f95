import { describe, expect, it } from "vitest";
import { chatReducer, initialChatState, type ChatEvent, type ChatState } from "@/components/chat/chat-state";
import type { ChatMessage } from "@/components/chat/types";
import type { SessionHistory, TurnResult, TurnSession } from "@/lib/chat/wire";

// The widget's state reducer (components/chat/chat-state.ts): every way the panel's state changes.

const session: TurnSession = {
  sessionId: "s1", newSession: true, sessionTag: "threadline_offline_a1b2c3_001", traceId: "t1",
  agent: { key: "product_recommendation", name: "Product Recommendation" }, model: { key: "offline", name: "Threadline Offline" },
};
const result = (content: string, extra: Partial<TurnResult> = {}): TurnResult => ({
  ...session, reply: { id: "r1", role: "agent", content, buttons: [], partial: false }, ...extra,
});
const user = (key: string, content: string): ChatMessage => ({
  key, id: null, role: "user", content, buttons: [], createdAt: "2026-11-29T22:00:00Z", sessionId: null, status: "done", vote: null,
});
const run = (events: ChatEvent[], from: ChatState = { ...initialChatState, ready: true }) => events.reduce(chatReducer, from);

const sent: ChatEvent[] = [
  { type: "send-started", userMessage: user("u1", "a tent"), replyKey: "reply-u1" },
  { type: "session-known", info: session, userKey: "u1" },
  { type: "reply-text", replyKey: "reply-u1", text: "Our" },
  { type: "reply-text", replyKey: "reply-u1", text: "Our tent" },
];

describe("a turn", () => {
  it("while streaming: one agent bubble with the text so far, the session adopted, a request pending", () => {
    const s = run(sent);
    expect(s.pendingReplyKey).toBe("reply-u1");
    expect(s.session).toEqual({ sessionId: "s1", sessionTag: session.sessionTag, traceId: "t1", agent: session.agent, model: session.model });
    expect(s.messages.map((m) => [m.key, m.content, m.status, m.sessionId])).toEqual([
      ["u1", "a tent", "done", "s1"],
      ["reply-u1", "Our tent", "streaming", "s1"],
    ]);
  });

  it("the result completes the bubble: server id, buttons, done, announced; the session is traced", () => {
    const buttons = [{ label: "Tents", action: { id: "product_details", payload: { sku: "TRL-TNT" } } }];
    const s = run([...sent, { type: "reply-finished", replyKey: "reply-u1", userKey: "u1", result: result("Our tent.", { reply: { id: "r1", role: "agent", content: "Our tent.", buttons, partial: false } }) }]);
    expect(s.messages[1]).toMatchObject({ key: "reply-u1", id: "r1", content: "Our tent.", buttons, status: "done" });
    expect(s.pendingReplyKey).toBeNull();
    expect(s.traced).toEqual({ s1: true });
    expect(s.announcement).toBe("Product Recommendation replied: Our tent.");
  });

  it("a reply the server stored cut off is shown as partial", () => {
    const s = run([...sent, { type: "reply-finished", replyKey: "reply-u1", userKey: "u1", result: { ...result("Our"), reply: { ...result("Our").reply, partial: true } } }]);
    expect(s.messages[1].status).toBe("partial");
  });

  it("a session without a trace (tracking off) carries no thumbs", () => {
    const s = run([...sent.slice(0, 1), { type: "reply-finished", replyKey: "reply-u1", userKey: "u1", result: result("x", { traceId: null }) }]);
    expect(s.traced).toEqual({ s1: false });
  });

  it("a handoff: the question and the note stay in the session that ended, the new agent's reply starts the next", () => {
    const note = { ...result("Over to sales.").reply, id: "n1" };
    const handedOver = result("Sales here.", { sessionId: "s2", newSession: true, agent: { key: "sales_pitch", name: "Sales Pitch" }, handoff: { fromSessionId: "s1", fromReply: note } });
    const s = run([...sent, { type: "reply-finished", replyKey: "reply-u1", userKey: "u1", result: handedOver }]);
    expect(s.session?.sessionId).toBe("s2");
    expect(s.session?.agent?.name).toBe("Sales Pitch");
    expect(s.messages.map((m) => [m.role, m.content, m.sessionId, m.handoff?.to.name ?? null])).toEqual([
      ["user", "a tent", "s1", null],
      ["agent", "Over to sales.", "s1", null],
      ["agent", "Sales here.", "s2", "Sales Pitch"],
    ]);
  });

  it("Stop keeps the text so far, marked partial", () => {
    const s = run([...sent, { type: "reply-stopped", replyKey: "reply-u1" }]);
    expect(s.messages[1]).toMatchObject({ content: "Our tent", status: "partial" });
    expect(s.pendingReplyKey).toBeNull();
    expect(s.announcement).toBe("Reply stopped.");
  });

  it("a failure drops the half reply and keeps the visitor's message; forgetSession drops the session", () => {
    const failure = { message: "Something went wrong while answering. Please retry.", retry: null };
    const s = run([...sent, { type: "send-failed", replyKey: "reply-u1", failure }]);
    expect(s.messages.map((m) => m.key)).toEqual(["u1"]);
    expect(s.failure).toEqual(failure);
    expect(s.session?.sessionId).toBe("s1");
    expect(run([...sent, { type: "send-failed", replyKey: "reply-u1", failure, forgetSession: true }]).session).toBeNull();
  });

  it("a rate limit takes the message back and says until when; it ends", () => {
    const s = run([sent[0], { type: "rate-limited", userKey: "u1", seconds: 5, until: 1_000 }]);
    expect(s.messages).toEqual([]);
    expect(s.rateLimit).toEqual({ until: 1_000, seconds: 5 });
    expect(run([{ type: "rate-limit-over" }], s).rateLimit).toBeNull();
  });
});

describe("restoring the conversation", () => {
  const history: SessionHistory = {
    sessionId: "s1", sessionTag: session.sessionTag, traceId: null, isActive: true, trackingEnabled: false,
    agent: session.agent, model: session.model, startedAt: "2026-11-29T22:00:00Z", endedAt: null,
    messages: [
      { id: "m1", role: "user", content: "a tent", buttons: [], createdAt: "2026-11-29T22:00:01Z", partial: false, vote: null, audioUrl: null },
      { id: "m2", role: "agent", content: "Our", buttons: [], createdAt: "2026-11-29T22:00:02Z", partial: true, vote: "up", audioUrl: null },
    ],
  };

  it("the stored messages come back as they were: a partial reply stays partial, votes stay", () => {
    const s = run([{ type: "restore-started", sessionId: "s1" }, { type: "restored", history, feedback: "positive" }], initialChatState);
    expect(s.ready).toBe(true);
    expect(s.restoring).toBe(false);
    expect(s.session).toEqual({ sessionId: "s1", sessionTag: session.sessionTag, traceId: null, agent: session.agent, model: session.model });
    expect(s.messages.map((m) => [m.key, m.status, m.vote, m.sessionId])).toEqual([["m1", "done", null, "s1"], ["m2", "partial", "up", "s1"]]);
    expect(s.feedback).toEqual({ s1: "positive" });
  });

  it("a failed load keeps the session id so Retry can load it again", () => {
    const failure = { message: "We couldn't load your conversation.", retry: { kind: "restore" as const, sessionId: "s1" } };
    const s = run([{ type: "restore-started", sessionId: "s1" }, { type: "restore-failed", sessionId: "s1", failure }], initialChatState);
    expect(s.session).toEqual({ sessionId: "s1" });
    expect(s.failure).toEqual(failure);
  });

  it("a new chat clears the messages but keeps the ratings given", () => {
    const s = run([{ type: "restored", history, feedback: "negative" }, { type: "cleared" }], initialChatState);
    expect(s.messages).toEqual([]);
    expect(s.session).toBeNull();
    expect(s.feedback).toEqual({ s1: "negative" });
  });
});
