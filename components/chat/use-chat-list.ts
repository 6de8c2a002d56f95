"use client";

// The chat list (docs/widget.md, "Earlier chats"): the visitor's own sessions from GET /api/sessions.
// Picking the current session goes back to it; the visitor's active session (opened elsewhere)
// becomes the current one; an ended session opens read-only beside the current conversation,
// which stays as it was until the visitor returns to it.

import { useState } from "react";
import { fetchSessionHistory, fetchSessionList } from "./api";
import { messagesFromHistory } from "./chat-messages";
import type { SessionHistory, SessionSummary } from "@/lib/chat/wire";
import type { ChatMessage } from "./types";

export type ChatView =
  | { kind: "chat" }
  | { kind: "list"; sessions: SessionSummary[] | null; failed: boolean }
  | { kind: "past"; history: SessionHistory; messages: ChatMessage[] };

interface ChatListOptions {
  currentSessionId: string | null;
  /** Makes a session the current conversation (restores its history). */
  continueSession: (sessionId: string) => void;
}

export function useChatList({ currentSessionId, continueSession }: ChatListOptions) {
  const [view, setView] = useState<ChatView>({ kind: "chat" });

  async function openList(): Promise<void> {
    setView({ kind: "list", sessions: null, failed: false });
    try {
      const sessions = await fetchSessionList();
      setView((v) => (v.kind === "list" ? { kind: "list", sessions, failed: false } : v));
    } catch {
      setView((v) => (v.kind === "list" ? { kind: "list", sessions: [], failed: true } : v));
    }
  }

  async function openSession(summary: SessionSummary): Promise<void> {
    if (summary.sessionId === currentSessionId) return setView({ kind: "chat" });
    if (summary.isActive) {
      continueSession(summary.sessionId);
      return setView({ kind: "chat" });
    }
    try {
      const history = await fetchSessionHistory(summary.sessionId);
      setView({ kind: "past", history, messages: messagesFromHistory(history) });
    } catch {
      setView((v) => (v.kind === "list" ? { ...v, failed: true } : v));
    }
  }

  const backToChat = () => setView({ kind: "chat" });

  return { view, openList, openSession, backToChat };
}
