"use client";

// The widget's behaviour: what the visitor can do (send, choose an agent, press
// a reply button, stop, retry, new chat, feedback) and restoring history on load.
// One turn's request and stream live in chat-turn.ts; state changes in chat-state.ts.

import { useCallback, useEffect, useReducer, useRef, useState } from "react";
import { ChatApiError, endSession, fetchSessionHistory, sendFeedback, sendVote } from "./api";
import { chatReducer, initialChatState, type ChatEvent } from "./chat-state";
import { offersTryAgain } from "./chat-messages";
import { runChatTurn } from "./chat-turn";
import { chatStorage, newClientMessageId } from "./storage";
import { useTrackingPreference } from "./tracking-preference";
import type { Button, Vote } from "@/lib/chat/wire";
import type { ChatMessage, ChatRequestBody, Rating } from "./types";

const SELECT_AGENT = "select_agent";
const REGENERATE = "regenerate";

function isAbort(error: unknown): boolean {
  return error instanceof DOMException && error.name === "AbortError";
}

export function useChat(options: { model?: string } = {}) {
  const [state, rawDispatch] = useReducer(chatReducer, initialChatState);
  const [tracking, setTracking] = useTrackingPreference();
  const [draft, setDraft] = useState("");
  const abortRef = useRef<AbortController | null>(null);
  /** Bumped by "new chat" so events of an abandoned turn are ignored. */
  const generationRef = useRef(0);
  const busy = state.pendingReplyKey !== null;

  const dispatchFor = useCallback((generation: number) => (event: ChatEvent) => {
    if (generationRef.current === generation) rawDispatch(event);
  }, []);

  const restore = useCallback(async (sessionId: string, signal?: AbortSignal) => {
    const dispatch = dispatchFor(generationRef.current);
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
  }, [dispatchFor]);

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
  }, [restore]);

  // Remember the current session (new ids from the server are adopted silently).
  const currentSessionId = state.session?.sessionId ?? null;
  useEffect(() => {
    if (state.ready) chatStorage.setSessionId(currentSessionId);
  }, [state.ready, currentSessionId]);

  async function sendTurn(body: ChatRequestBody, userMessage: ChatMessage | null) {
    const controller = new AbortController();
    abortRef.current = controller;
    try {
      await runChatTurn({
        body,
        userMessage,
        signal: controller.signal,
        dispatch: dispatchFor(generationRef.current),
        returnDraft: (text) => setDraft((current) => (current === "" ? text : current)),
      });
    } finally {
      if (abortRef.current === controller) abortRef.current = null;
    }
  }

  function baseBody(sessionId: string | null | undefined): ChatRequestBody {
    const body: ChatRequestBody = { clientMessageId: newClientMessageId(), tracking };
    if (sessionId) body.sessionId = sessionId;
    if (options.model) body.model = options.model;
    return body;
  }

  function userMessageFor(body: ChatRequestBody, content: string): ChatMessage {
    return {
      key: body.clientMessageId,
      id: null,
      role: "user",
      content,
      buttons: [],
      createdAt: new Date().toISOString(),
      sessionId: body.sessionId ?? null,
      status: "done",
      vote: null,
    };
  }

  function sendText(text: string, clientMessageId?: string): boolean {
    const message = text.trim();
    if (!message || busy || abortRef.current) return false;
    const body = { ...baseBody(currentSessionId), message, ...(clientMessageId ? { clientMessageId } : {}) };
    void sendTurn(body, userMessageFor(body, message));
    return true;
  }

  /**
   * Picking an agent sends only `{agent}`: the visitor said nothing, so no
   * message of theirs is shown or stored, and the reply is the agent's greeting.
   */
  function chooseAgent(agent: string): void {
    if (busy || abortRef.current) return;
    void sendTurn({ ...baseBody(currentSessionId), agent }, null);
  }

  function pressButton(button: Button, source: ChatMessage): void {
    if (busy || abortRef.current) return;
    // The action runs in the session that produced the button.
    const body: ChatRequestBody = { ...baseBody(source.sessionId ?? currentSessionId), action: button.action };
    const agent = button.action.payload?.agent;
    if (button.action.id === SELECT_AGENT && typeof agent === "string") {
      // switching agents: the greeting answers, the visitor said nothing
      body.agent = agent;
      void sendTurn(body, null);
      return;
    }
    void sendTurn(body, userMessageFor(body, button.label));
  }

  function canTryAgain(message: ChatMessage): boolean {
    return offersTryAgain(message, state.messages, currentSessionId);
  }

  /** Asks the agent again for the same message; the new reply takes the old one's place. */
  function tryAgain(message: ChatMessage): void {
    if (busy || abortRef.current || !message.id) return;
    const body: ChatRequestBody = { ...baseBody(message.sessionId ?? currentSessionId), action: { id: REGENERATE, payload: { messageId: message.id } } };
    void sendTurn(body, null);
  }

  /** A vote on one agent message: shown at once, taken back if the server refuses it. */
  async function vote(message: ChatMessage, next: Vote | null): Promise<void> {
    if (!message.id || !message.sessionId) return;
    const dispatch = dispatchFor(generationRef.current);
    const previous = message.vote;
    dispatch({ type: "vote-given", messageKey: message.key, vote: next });
    try {
      await sendVote(message.sessionId, message.id, next);
    } catch {
      dispatch({ type: "vote-given", messageKey: message.key, vote: previous });
      dispatch({ type: "failure-shown", failure: { message: "We couldn't save your vote. Please try again.", retry: null } });
    }
  }

  function stop(): void {
    abortRef.current?.abort();
  }

  async function newChat(): Promise<void> {
    abortRef.current?.abort();
    const dispatch = dispatchFor(generationRef.current);
    if (currentSessionId) {
      try {
        await endSession(currentSessionId, "new_chat");
      } catch (error) {
        const gone = error instanceof ChatApiError && (error.kind === "not_found" || error.kind === "invalid");
        if (!gone) {
          dispatch({ type: "failure-shown", failure: { message: "We couldn't end this chat. Please retry.", retry: { kind: "new-chat" } } });
          return;
        }
      }
    }
    generationRef.current += 1;
    chatStorage.setSessionId(null);
    setDraft("");
    rawDispatch({ type: "cleared" });
  }

  /** After "Delete my chat history": the server erased everything and dropped the cookie, so only local state goes. */
  function forgetHistory(): void {
    abortRef.current?.abort();
    generationRef.current += 1;
    chatStorage.setSessionId(null);
    setDraft("");
    rawDispatch({ type: "cleared" });
  }

  function retry(): void {
    const plan = state.failure?.retry;
    if (!plan || busy) return;
    if (plan.kind === "send") void sendTurn(plan.body, null);
    else if (plan.kind === "restore") void restore(plan.sessionId);
    else void newChat();
  }

  async function giveFeedback(sessionId: string, rating: Rating): Promise<void> {
    const dispatch = dispatchFor(generationRef.current);
    const previous = state.feedback[sessionId] ?? null;
    if (previous === rating) return;
    dispatch({ type: "feedback-given", sessionId, rating });
    try {
      await sendFeedback(sessionId, rating);
      chatStorage.setFeedback(sessionId, rating);
    } catch {
      dispatch({ type: "feedback-given", sessionId, rating: previous });
      dispatch({ type: "failure-shown", failure: { message: "We couldn't save your feedback. Please try again.", retry: null } });
    }
  }

  const dismissFailure = useCallback(() => rawDispatch({ type: "failure-dismissed" }), []);
  const rateLimitOver = useCallback(() => rawDispatch({ type: "rate-limit-over" }), []);

  return {
    state,
    busy,
    tracking,
    setTracking,
    draft,
    setDraft,
    sendText,
    chooseAgent,
    pressButton,
    canTryAgain,
    tryAgain,
    stop,
    retry,
    newChat,
    forgetHistory,
    giveFeedback,
    vote,
    dismissFailure,
    rateLimitOver,
  };
}

export type ChatController = ReturnType<typeof useChat>;
