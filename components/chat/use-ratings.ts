"use client";

// The visitor's opinions: a vote on one reply, and the session's "Was this chat helpful?".
// Both are shown at once and taken back if the server refuses them.

import { sendFeedback, sendVote } from "./api";
import { chatStorage } from "./storage";
import type { ChatCore } from "./use-chat-core";
import type { Vote } from "@/lib/chat/wire";
import type { ChatMessage, Rating } from "./types";

export function useRatings(core: ChatCore) {
  const { state, dispatchNow } = core;

  async function vote(message: ChatMessage, next: Vote | null): Promise<void> {
    if (!message.id || !message.sessionId) return;
    const dispatch = dispatchNow();
    const previous = message.vote;
    dispatch({ type: "vote-given", messageKey: message.key, vote: next });
    try {
      await sendVote(message.sessionId, message.id, next);
    } catch {
      dispatch({ type: "vote-given", messageKey: message.key, vote: previous });
      dispatch({ type: "failure-shown", failure: { message: "We couldn't save your vote. Please try again.", retry: null } });
    }
  }

  async function giveFeedback(sessionId: string, rating: Rating): Promise<void> {
    const dispatch = dispatchNow();
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

  return { vote, giveFeedback };
}
