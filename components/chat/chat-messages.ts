// Helpers over the panel's message list.

import type { SessionHistory } from "@/lib/chat/wire";
import type { ChatMessage } from "./types";

/** Stored messages from GET /api/sessions/{id}/messages, as the panel shows them. */
export function messagesFromHistory(history: SessionHistory): ChatMessage[] {
  return history.messages.map((m) => ({
    key: m.id,
    id: m.id,
    role: m.role,
    content: m.content,
    buttons: m.buttons,
    createdAt: m.createdAt,
    sessionId: history.sessionId,
    status: m.partial ? "partial" : "done",
    vote: m.vote,
    retryable: m.retryable,
  }));
}

/**
 * "Try again" fits the last reply of the current session when it answered something the
 * visitor said or pressed (not a greeting or the menu, which have no question to ask again), and
 * its turn changed nothing through a tool (an order line, contact details, a confirmation: the
 * reply says `retryable: false`, and begin_turn would refuse with conflict:regenerate).
 */
export function offersTryAgain(message: ChatMessage, messages: ChatMessage[], currentSessionId: string | null): boolean {
  return message.role === "agent" && Boolean(message.id) && message.status !== "streaming" && message.retryable !== false
    && message.sessionId === currentSessionId
    && !message.buttons.some((b) => b.action.id === "select_agent")
    && messages.at(-2)?.role === "user";
}

/** Keys of the messages that carry thumbs: the latest agent reply of each traced session, once complete. */
export function feedbackTargets(messages: ChatMessage[], traced: Record<string, boolean>): Set<string> {
  const latest = new Map<string, ChatMessage>();
  for (const m of messages) {
    if (m.role === "agent" && m.sessionId) latest.set(m.sessionId, m);
  }
  const keys = new Set<string>();
  for (const [sessionId, m] of latest) {
    if (m.status === "done" && m.id && traced[sessionId] !== false) keys.add(m.key);
  }
  return keys;
}
