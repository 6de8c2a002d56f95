"use client";

// What the visitor can say to the agent: send text, choose an agent, press a reply button, try again,
// stop. One turn's request and stream live in chat-turn.ts.

import { offersTryAgain } from "./chat-messages";
import { runChatTurn } from "./chat-turn";
import { newClientMessageId } from "./storage";
import type { ChatCore } from "./use-chat-core";
import type { Button } from "@/lib/chat/wire";
import type { ChatMessage, ChatRequestBody } from "./types";

const SELECT_AGENT = "select_agent";
const REGENERATE = "regenerate";

interface TurnOptions {
  model?: string;
  tracking: boolean;
  /** Puts a message the server refused (rate limit) back into the composer. */
  returnDraft: (text: string) => void;
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

export function useTurnActions(core: ChatCore, options: TurnOptions) {
  const { state, abortRef, dispatchNow, busy } = core;
  const currentSessionId = state.session?.sessionId ?? null;
  const idle = () => !busy && !abortRef.current;

  async function sendTurn(body: ChatRequestBody, userMessage: ChatMessage | null) {
    const controller = new AbortController();
    abortRef.current = controller;
    try {
      await runChatTurn({ body, userMessage, signal: controller.signal, dispatch: dispatchNow(), returnDraft: options.returnDraft });
    } finally {
      if (abortRef.current === controller) abortRef.current = null;
    }
  }

  function baseBody(sessionId: string | null | undefined): ChatRequestBody {
    const body: ChatRequestBody = { clientMessageId: newClientMessageId(), tracking: options.tracking };
    if (sessionId) body.sessionId = sessionId;
    if (options.model) body.model = options.model;
    return body;
  }

  function sendText(text: string, clientMessageId?: string): boolean {
    const message = text.trim();
    if (!message || !idle()) return false;
    const body = { ...baseBody(currentSessionId), message, ...(clientMessageId ? { clientMessageId } : {}) };
    void sendTurn(body, userMessageFor(body, message));
    return true;
  }

  /**
   * Picking an agent sends only `{agent}`: the visitor said nothing, so no
   * message of theirs is shown or stored, and the reply is the agent's greeting.
   */
  function chooseAgent(agent: string): void {
    if (idle()) void sendTurn({ ...baseBody(currentSessionId), agent }, null);
  }

  function pressButton(button: Button, source: ChatMessage): void {
    if (!idle()) return;
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

  /** "Try again" fits the last reply of the current session (chat-messages.ts, offersTryAgain). */
  function canTryAgain(message: ChatMessage): boolean {
    return offersTryAgain(message, state.messages, currentSessionId);
  }

  /** Asks the agent again for the same message; the new reply takes the old one's place. */
  function tryAgain(message: ChatMessage): void {
    if (!idle() || !message.id) return;
    void sendTurn({ ...baseBody(message.sessionId ?? currentSessionId), action: { id: REGENERATE, payload: { messageId: message.id } } }, null);
  }

  function stop(): void {
    abortRef.current?.abort();
  }

  return { sendTurn, sendText, chooseAgent, pressButton, canTryAgain, tryAgain, stop };
}
