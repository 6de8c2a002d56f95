"use client";

import { Fragment } from "react";
import { feedbackTargets } from "./chat-messages";
import { MessageItem } from "./MessageItem";
import { fromEndedSession, startsNewSession } from "./session-boundaries";
import type { Button, Vote } from "@/lib/chat/wire";
import type { ChatMessage, Rating } from "./types";

interface ConversationProps {
  messages: ChatMessage[];
  agentName: string;
  /** The session the visitor is talking in. */
  currentSessionId: string | null;
  /** A past chat opened from the chat list: nothing in it can be pressed but the rating. */
  readOnly?: boolean;
  busy: boolean;
  traced: Record<string, boolean>;
  feedback: Record<string, Rating>;
  onPressButton: (button: Button, message: ChatMessage) => void;
  onVote?: (message: ChatMessage, vote: Vote | null) => void;
  onRate: (sessionId: string, rating: Rating) => void;
  /** The message that may be asked again, and how. */
  tryAgain?: { message: ChatMessage; run: () => void } | null;
}

/**
 * The messages, with a divider where a session ends and the next begins: "New conversation", or
 * for a handoff the agent who takes over (after the previous agent's note).
 */
export function Conversation({ messages, agentName, currentSessionId, readOnly = false, busy, traced, feedback, onPressButton, onVote, onRate, tryAgain }: ConversationProps) {
  const rated = feedbackTargets(messages, traced, readOnly ? null : currentSessionId);
  return (
    <ol aria-label="Messages" className="space-y-3">
      {messages.map((message, index) => (
        <Fragment key={message.key}>
          {startsNewSession(messages, index) && (
            <li
              data-testid="session-divider"
              data-kind={message.handoff ? "handoff" : "new"}
              className="flex items-center gap-2 text-xs text-slate-600 dark:text-slate-400"
            >
              <span aria-hidden className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
              {message.handoff ? `${message.handoff.to.name} takes over` : "New conversation"}
              <span aria-hidden className="h-px flex-1 bg-slate-200 dark:bg-slate-700" />
            </li>
          )}
          <MessageItem
            message={message}
            agentName={agentName}
            buttonsDisabled={busy || readOnly || fromEndedSession(message, currentSessionId)}
            onPressButton={onPressButton}
            onVote={readOnly ? undefined : onVote}
            onTryAgain={tryAgain?.message === message ? tryAgain.run : undefined}
            feedback={
              rated.has(message.key) && message.sessionId
                ? { rating: feedback[message.sessionId] ?? null, onRate: (rating) => onRate(message.sessionId as string, rating) }
                : undefined
            }
          />
        </Fragment>
      ))}
    </ol>
  );
}
