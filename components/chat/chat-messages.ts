// Helpers over the panel's message list.

import type { HistoryMessage, SessionHistory } from "@/lib/chat/wire";
import type { ChatMessage } from "./types";

/** Sessions rated before they end need this many visitor messages: "Was this chat helpful?" waits for a conversation. */
export const FEEDBACK_AFTER_TURNS = 3;

function fromStored(m: HistoryMessage, sessionId: string): ChatMessage {
  return {
    key: m.id,
    id: m.id,
    role: m.role,
    content: m.content,
    buttons: m.buttons,
    createdAt: m.createdAt,
    sessionId,
    status: m.partial ? "partial" : "done",
    vote: m.vote,
    retryable: m.retryable,
  };
}

/**
 * Stored messages from GET /api/sessions/{id}/messages, as the panel shows them. A session an agent
 * handed the visitor to starts as it did live: the question and the previous agent's note (in the
 * session that ended), then the divider and the new agent's reply.
 */
export function messagesFromHistory(history: SessionHistory): ChatMessage[] {
  const own = history.messages.map((m) => fromStored(m, history.sessionId));
  const handoff = history.handoff;
  if (!handoff) return own;
  const question = own.find((m) => m.id === handoff.questionId);
  const rest = own.filter((m) => m !== question);
  const [first, ...later] = rest;
  return [
    ...(question ? [{ ...question, sessionId: handoff.fromSessionId }] : []),
    fromStored(handoff.note, handoff.fromSessionId),
    ...(first ? [{ ...first, handoff: { to: history.agent } }, ...later] : []),
  ];
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

/**
 * Keys of the messages that carry "Was this chat helpful?": the latest agent reply of each traced
 * session, once complete, when that session has ended (it is not the current one) or has had
 * FEEDBACK_AFTER_TURNS visitor messages.
 */
export function feedbackTargets(messages: ChatMessage[], traced: Record<string, boolean>, currentSessionId: string | null): Set<string> {
  const latest = new Map<string, ChatMessage>();
  const asked = new Map<string, number>();
  for (const m of messages) {
    if (!m.sessionId) continue;
    if (m.role === "agent") latest.set(m.sessionId, m);
    if (m.role === "user") asked.set(m.sessionId, (asked.get(m.sessionId) ?? 0) + 1);
  }
  const keys = new Set<string>();
  for (const [sessionId, m] of latest) {
    const enough = sessionId !== currentSessionId || (asked.get(sessionId) ?? 0) >= FEEDBACK_AFTER_TURNS;
    if (enough && m.status === "done" && m.id && traced[sessionId] !== false) keys.add(m.key);
  }
  return keys;
}
