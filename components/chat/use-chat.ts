"use client";

// The widget's behaviour, put together from hooks that each do one thing:
// use-chat-core (state, the turn in flight, the conversation's generation), use-session-restore
// (history on load and the remembered session), use-turn-actions (send, choose, press, try again,
// stop), use-ratings (votes and "Was this chat helpful?"), use-chat-list (earlier chats).
// Here: the draft, new chat, "Delete my chat history" and Retry, which touch several of them.

import { useCallback, useState } from "react";
import { ChatApiError, endSession } from "./api";
import { chatStorage } from "./storage";
import { useTrackingPreference } from "./tracking-preference";
import { useChatCore } from "./use-chat-core";
import { useChatList } from "./use-chat-list";
import { useRatings } from "./use-ratings";
import { useSessionRestore } from "./use-session-restore";
import { useTurnActions } from "./use-turn-actions";

export function useChat(options: { model?: string } = {}) {
  const core = useChatCore();
  const { state, rawDispatch, dispatchNow, abandon, busy } = core;
  const [tracking, setTracking] = useTrackingPreference();
  const [draft, setDraft] = useState("");
  const restore = useSessionRestore(core);
  const returnDraft = useCallback((text: string) => setDraft((current) => (current === "" ? text : current)), []);
  const turns = useTurnActions(core, { model: options.model, tracking, returnDraft });
  const ratings = useRatings(core);
  const currentSessionId = state.session?.sessionId ?? null;

  function startOver(): void {
    abandon();
    chatStorage.setSessionId(null);
    setDraft("");
  }

  const list = useChatList({
    currentSessionId,
    continueSession: (sessionId) => {
      startOver();
      void restore(sessionId);
    },
  });

  async function newChat(): Promise<void> {
    core.abortRef.current?.abort();
    if (currentSessionId) {
      try {
        await endSession(currentSessionId, "new_chat");
      } catch (error) {
        const gone = error instanceof ChatApiError && (error.kind === "not_found" || error.kind === "invalid");
        if (!gone) {
          dispatchNow()({ type: "failure-shown", failure: { message: "We couldn't end this chat. Please retry.", retry: { kind: "new-chat" } } });
          return;
        }
      }
    }
    startOver();
    list.backToChat();
  }

  /** After "Delete my chat history": the server erased everything and dropped the cookie, so only local state goes. */
  function forgetHistory(): void {
    startOver();
    list.backToChat();
  }

  function retry(): void {
    const plan = state.failure?.retry;
    if (!plan || busy) return;
    if (plan.kind === "send") void turns.sendTurn(plan.body, null);
    else if (plan.kind === "restore") void restore(plan.sessionId);
    else void newChat();
  }

  const dismissFailure = useCallback(() => rawDispatch({ type: "failure-dismissed" }), [rawDispatch]);
  const rateLimitOver = useCallback(() => rawDispatch({ type: "rate-limit-over" }), [rawDispatch]);

  return {
    state,
    busy,
    tracking,
    setTracking,
    draft,
    setDraft,
    ...turns,
    ...ratings,
    list,
    retry,
    newChat,
    forgetHistory,
    dismissFailure,
    rateLimitOver,
  };
}

export type ChatController = ReturnType<typeof useChat>;
