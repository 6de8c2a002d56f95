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
  }));
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
