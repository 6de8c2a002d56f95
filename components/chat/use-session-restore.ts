"use client";

// Restoring a conversation: on load the stored session's history, and a session picked from the chat
// list; the current session id is remembered in this browser.

import { useCallback, useEffect } from "react";
import { ChatApiError, fetchSessionHistory } from "./api";
import { chatStorage } from "./storage";
import { isAbort, type ChatCore } from "./use-chat-core";

export function useSessionRestore(core: ChatCore) {
  const { rawDispatch, dispatchNow, state } = core;

  const restore = useCallback(async (sessionId: string, signal?: AbortSignal) => {
    const dispatch = dispatchNow();
    dispatch({ type: "restore-started", sessionId });
    try {
      const history = await fetchSessionHistory(sessionId, signal);
      dispatch({ type: "restored", history, feedback: chatStorage.feedback(history.sessionId) });
    } catch (error) {
      if (isAbort(error)) return;
      if (error instanceof ChatApiError && (error.kind === "not_found" || error.kind === "invalid")) {
        chatStorage.setSessionId(null);
        dispatch({ type: "restore-skipped" });
        return;
      }
      dispatch({
        type: "restore-failed",
        sessionId,
        failure: { message: "We couldn't load your conversation.", retry: { kind: "restore", sessionId } },
      });
    }
  }, [dispatchNow]);

  // On load: restore the stored session's history, if there is one.
  useEffect(() => {
    const sessionId = chatStorage.sessionId();
    if (!sessionId) {
      rawDispatch({ type: "restore-skipped" });
      return;
    }
    const controller = new AbortController();
    void restore(sessionId, controller.signal);
    return () => controller.abort();
  }, [restore, rawDispatch]);

  // Remember the current session (new ids from the server are adopted silently).
  const currentSessionId = state.session?.sessionId ?? null;
  useEffect(() => {
    if (state.ready) chatStorage.setSessionId(currentSessionId);
  }, [state.ready, currentSessionId]);

  return restore;
}
