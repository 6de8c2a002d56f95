"use client";

import { useEffect, useState } from "react";
import { CloseIcon } from "./icons";
import type { ChatFailure } from "./chat-state";
import { cx, focusRing, pillButton } from "./styles";

interface FailureNoticeProps {
  failure: ChatFailure;
  disabled: boolean;
  onRetry: () => void;
  onDismiss: () => void;
}

/** An inline error; Retry repeats exactly what failed. */
export function FailureNotice({ failure, disabled, onRetry, onDismiss }: FailureNoticeProps) {
  return (
    <div
      data-testid="chat-error"
      role="alert"
      className="mx-3 mb-2 flex items-start gap-2 rounded-xl border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-800 dark:bg-red-950 dark:text-red-100"
    >
      <p className="min-w-0 flex-1">{failure.message}</p>
      {failure.retry && (
        <button type="button" data-testid="chat-retry" disabled={disabled} onClick={onRetry} className={cx(pillButton, "py-1")}>
          Retry
        </button>
      )}
      <button
        type="button"
        aria-label="Dismiss error"
        onClick={onDismiss}
        className={cx("inline-flex h-7 w-7 shrink-0 items-center justify-center rounded-full hover:bg-red-100 dark:hover:bg-red-900", focusRing)}
      >
        <CloseIcon width="16" height="16" />
      </button>
    </div>
  );
}

interface RateLimitNoticeProps {
  until: number;
  seconds: number;
  onOver: () => void;
}

/** "You're sending messages quickly": counts down the server's Retry-After. */
export function RateLimitNotice({ until, seconds, onOver }: RateLimitNoticeProps) {
  const [left, setLeft] = useState(seconds);

  useEffect(() => {
    const timer = setInterval(() => {
      const remaining = Math.ceil((until - Date.now()) / 1000);
      if (remaining <= 0) {
        clearInterval(timer);
        onOver();
      } else {
        setLeft(remaining);
      }
    }, 250);
    return () => clearInterval(timer);
  }, [until, onOver]);

  return (
    <div
      data-testid="rate-limit-notice"
      role="status"
      className="mx-3 mb-2 rounded-xl border border-amber-300 bg-amber-50 px-3 py-2 text-sm text-amber-950 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100"
    >
      You&apos;re sending messages quickly — try again in {left} s
    </div>
  );
}
