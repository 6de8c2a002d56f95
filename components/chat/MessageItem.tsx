"use client";

import { FeedbackButtons } from "./FeedbackButtons";
import { formatMessageTime } from "./format-time";
import { Markdown } from "./Markdown";
import { CopyMessageButton, TryAgainButton, VoteButtons } from "./MessageActions";
import { productSku } from "./product-cards";
import { ProductCards } from "./ProductCards";
import { ReplyButtons } from "./ReplyButtons";
import { cx } from "./styles";
import type { Button, Vote } from "@/lib/chat/wire";
import type { ChatMessage, Rating } from "./types";

interface MessageItemProps {
  message: ChatMessage;
  agentName: string;
  buttonsDisabled: boolean;
  onPressButton: (button: Button, message: ChatMessage) => void;
  /** Absent for a past chat opened read-only: no votes there. */
  onVote?: (message: ChatMessage, vote: Vote | null) => void;
  /** Present on the last agent reply when it may be asked again (not while a reply streams). */
  onTryAgain?: () => void;
  /** Present when this reply carries the session rating (latest reply of its session). */
  feedback?: { rating: Rating | null; onRate: (rating: Rating) => void };
}

/**
 * One message. A visitor's text is plain text (React escapes it, CSS keeps line
 * breaks); an agent's reply is Markdown (Markdown.tsx) with product cards, its
 * buttons, copy and a vote.
 */
export function MessageItem({ message, agentName, buttonsDisabled, onPressButton, onVote, onTryAgain, feedback }: MessageItemProps) {
  const time = formatMessageTime(message.createdAt);
  const attrs = {
    "data-testid": "message",
    "data-role": message.role,
    "data-status": message.status,
    "data-message-id": message.id ?? undefined,
  };

  if (message.role === "system") {
    return (
      <li {...attrs} className="flex justify-center py-1">
        <p data-testid="message-content" className="max-w-[90%] whitespace-pre-wrap break-words text-center text-xs text-slate-600 dark:text-slate-400">
          {message.content}
        </p>
      </li>
    );
  }

  const mine = message.role === "user";
  const done = message.status === "done";
  const products = mine || !done ? [] : message.buttons.filter((b) => productSku(b) !== null);
  const others = mine || !done ? [] : message.buttons.filter((b) => productSku(b) === null);
  return (
    <li {...attrs} className={cx("flex flex-col", mine ? "items-end" : "items-start")}>
      <span className="sr-only">{mine ? "You said:" : `${agentName} said:`}</span>
      <div
        data-testid="message-content"
        className={cx(
          "max-w-[85%] break-words rounded-2xl px-3.5 py-2 text-sm leading-relaxed",
          mine
            ? "whitespace-pre-wrap rounded-br-sm bg-indigo-600 text-white"
            : "min-w-0 rounded-bl-sm bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100",
        )}
      >
        {mine ? message.content : <Markdown text={message.content} streaming={message.status === "streaming"} />}
        {message.status === "streaming" && (
          <span aria-hidden="true" className="ml-0.5 inline-block h-3.5 w-1.5 translate-y-0.5 bg-current motion-safe:animate-pulse" />
        )}
      </div>
      {products.length > 0 && (
        <ProductCards buttons={products} disabled={buttonsDisabled} onPress={(b) => onPressButton(b, message)} />
      )}
      {others.length > 0 && <ReplyButtons buttons={others} disabled={buttonsDisabled} onPress={(b) => onPressButton(b, message)} />}
      <div className={cx("mt-1 flex items-center gap-2 text-xs text-slate-600 dark:text-slate-400", mine && "flex-row-reverse")}>
        {time && <time dateTime={message.createdAt}>{time}</time>}
        {message.status === "partial" && <span className="italic">Reply stopped</span>}
        {!mine && message.status !== "streaming" && (
          <span className="inline-flex items-center">
            <CopyMessageButton text={message.content} />
            {onVote && <VoteButtons vote={message.vote} disabled={!message.id || !message.sessionId} onVote={(vote) => onVote(message, vote)} />}
            {onTryAgain && <TryAgainButton onPress={onTryAgain} />}
          </span>
        )}
      </div>
      {feedback && <FeedbackButtons rating={feedback.rating} onRate={feedback.onRate} />}
    </li>
  );
}
