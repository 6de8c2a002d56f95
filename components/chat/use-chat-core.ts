"use client";

// The widget's state and the two refs every action shares: the turn in flight (to stop it) and the
// conversation's generation, bumped by "new chat" so events of an abandoned turn are ignored.

import { useCallback, useReducer, useRef } from "react";
import { chatReducer, initialChatState, type ChatEvent } from "./chat-state";

export function useChatCore() {
  const [state, rawDispatch] = useReducer(chatReducer, initialChatState);
  const abortRef = useRef<AbortController | null>(null);
  const generationRef = useRef(0);

  /** A dispatch that drops its events once the conversation it was made for is abandoned. */
  const dispatchFor = useCallback((generation: number) => (event: ChatEvent) => {
    if (generationRef.current === generation) rawDispatch(event);
  }, []);
  const dispatchNow = useCallback(() => dispatchFor(generationRef.current), [dispatchFor]);

  /** Abandons the conversation shown (its turn stopped, its late events ignored) and clears the panel. */
  const abandon = useCallback(() => {
    abortRef.current?.abort();
    generationRef.current += 1;
    rawDispatch({ type: "cleared" });
  }, []);

  return { state, rawDispatch, abortRef, dispatchNow, abandon, busy: state.pendingReplyKey !== null };
}

export type ChatCore = ReturnType<typeof useChatCore>;

export function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}
