import { describe, expect, it } from "vitest";
import { chatReducer, initialChatState, type ChatState } from "../../../components/chat/chat-state";
import type { ChatMessage } from "../../../components/chat/types";
import type { TurnResult } from "../../../lib/chat/wire";
import { decideStep, TRY_AGAIN_LEAD } from "../../../lib/models/offline-rules";
import { TURN_CONTEXT_LABEL } from "../../../lib/models/turn-context";

// "Try again" (docs/architecture.md "Try again"): the new reply takes the old one's place in the
// widget; the offline model words an answer asked for again differently.

const message = (key: string, role: ChatMessage["role"], id: string | null, content: string): ChatMessage => ({
  key, id, role, content, buttons: [], createdAt: "2026-11-29T22:00:00Z", sessionId: "s1", status: "done", vote: null,
});
const result = (id: string, content: string, replaces?: string): TurnResult => ({
  sessionId: "s1", newSession: false, sessionTag: "t", traceId: null, agent: { key: "a", name: "A" }, model: { key: "m", name: "M" },
  reply: { id, role: "agent", content, buttons: [], partial: false }, ...(replaces ? { replaces } : {}),
});

const shown: ChatState = {
  ...initialChatState,
  ready: true,
  messages: [message("u1", "user", "q1", "a tent"), message("a1", "agent", "r1", "first answer")],
};

describe("Try again in the widget state", () => {
  it("a streamed new reply takes the old reply's place, and stays there when it finishes", () => {
    let s = chatReducer(shown, { type: "send-started", userMessage: null, replyKey: "reply-x", replaces: "r1" });
    s = chatReducer(s, { type: "reply-text", replyKey: "reply-x", text: "second" });
    expect(s.messages.map((m) => m.content)).toEqual(["a tent", "second"]);
    s = chatReducer(s, { type: "reply-finished", replyKey: "reply-x", userKey: "x", result: result("r2", "second answer", "r1") });
    expect(s.messages.map((m) => [m.id, m.content])).toEqual([["q1", "a tent"], ["r2", "second answer"]]);
    expect(s.replacing).toBeNull();
  });

  it("a JSON answer (no text deltas) replaces by the result's replaces id; an ordinary reply is added", () => {
    const s = chatReducer(shown, { type: "reply-finished", replyKey: "reply-x", userKey: "x", result: result("r2", "second answer", "r1") });
    expect(s.messages.map((m) => m.id)).toEqual(["q1", "r2"]);
    const added = chatReducer(shown, { type: "reply-finished", replyKey: "reply-y", userKey: "y", result: result("r3", "more") });
    expect(added.messages.map((m) => m.id)).toEqual(["q1", "r1", "r3"]);
  });
});

describe("the offline model asked again", () => {
  const prompt = (tryAgain: boolean) => ({
    system: `You are Threadline's Product Recommendation agent.\n${TURN_CONTEXT_LABEL}${JSON.stringify(tryAgain ? { try_again: true } : {})}`,
    message: "hello there",
    calls: [],
    tools: [],
  });
  it("opens its final text with the try-again lead only when the turn context says so", () => {
    const plain = decideStep(prompt(false));
    const again = decideStep(prompt(true));
    expect(plain.text.startsWith(TRY_AGAIN_LEAD)).toBe(false);
    expect(again.text).toBe(TRY_AGAIN_LEAD + plain.text);
  });
});
