"use client";

import { FeedbackButtons } from "./FeedbackButtons";
import { formatMessageTime } from "./format-time";
import { ReplyButtons } from "./ReplyButtons";
import { cx } from "./styles";
import type { ChatMessage, Rating, ReplyButton } from "./types";

interface MessageItemProps {
  message: ChatMessage;
  agentName: string;
  buttonsDisabled: boolean;
  onPressButton: (button: ReplyButton, message: ChatMessage) => void;
  /** Present when this reply carries thumbs (latest reply of its session). */
  feedback?: { rating: Rating | null; onRate: (rating: Rating) => void };
}

/** One message. Content is plain text: React escapes it, line breaks are kept by CSS. */
export function MessageItem({ message, agentName, buttonsDisabled, onPressButton, feedback }: MessageItemProps) {
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
  return (
    <li {...attrs} className={cx("flex flex-col", mine ? "items-end" : "items-start")}>
      <span className="sr-only">{mine ? "You said:" : `${agentName} said:`}</span>
      <div
        data-testid="message-content"
        className={cx(
          "max-w-[85%] whitespace-pre-wrap break-words rounded-2xl px-3.5 py-2 text-sm leading-relaxed",
          mine
            ? "rounded-br-sm bg-indigo-600 text-white"
            : "rounded-bl-sm bg-slate-100 text-slate-900 dark:bg-slate-800 dark:text-slate-100",
        )}
      >
        {message.content}
        {message.status === "streaming" && (
          <span aria-hidden="true" className="ml-0.5 inline-block h-3.5 w-1.5 translate-y-0.5 bg-current motion-safe:animate-pulse" />
        )}
      </div>
      {message.role === "agent" && message.buttons.length > 0 && message.status === "done" && (
        <ReplyButtons buttons={message.buttons} disabled={buttonsDisabled} onPress={(b) => onPressButton(b, message)} />
      )}
      <div className={cx("mt-1 flex items-center gap-2 text-xs text-slate-600 dark:text-slate-400", mine && "flex-row-reverse")}>
        {time && <time dateTime={message.createdAt}>{time}</time>}
        {message.status === "partial" && <span className="italic">Reply stopped</span>}
        {feedback && <FeedbackButtons rating={feedback.rating} onRate={feedback.onRate} />}
      </div>
    </li>
  );
}
