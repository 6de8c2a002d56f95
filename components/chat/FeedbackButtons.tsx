"use client";

import { ThumbDownIcon, ThumbUpIcon } from "./icons";
import { cx, focusRing } from "./styles";
import type { Rating } from "./types";

interface FeedbackButtonsProps {
  rating: Rating | null;
  onRate: (rating: Rating) => void;
}

const base = `inline-flex h-8 w-8 items-center justify-center rounded-full text-slate-600 hover:bg-slate-100 hover:text-slate-900 dark:text-slate-400 dark:hover:bg-slate-800 dark:hover:text-white ${focusRing}`;
const chosen = "bg-indigo-100 text-indigo-800 dark:bg-indigo-900 dark:text-indigo-100";

/** Thumbs up/down on the latest reply of a session; rates the session's trace. */
export function FeedbackButtons({ rating, onRate }: FeedbackButtonsProps) {
  return (
    <span role="group" aria-label="Rate this conversation" className="inline-flex items-center gap-0.5">
      <button
        type="button"
        data-testid="feedback-up"
        aria-label="Helpful"
        aria-pressed={rating === "positive"}
        onClick={() => onRate("positive")}
        className={cx(base, rating === "positive" && chosen)}
      >
        <ThumbUpIcon />
      </button>
      <button
        type="button"
        data-testid="feedback-down"
        aria-label="Not helpful"
        aria-pressed={rating === "negative"}
        onClick={() => onRate("negative")}
        className={cx(base, rating === "negative" && chosen)}
      >
        <ThumbDownIcon />
      </button>
      {rating && <span className="ml-1 text-xs text-slate-600 dark:text-slate-400">Thanks for the feedback</span>}
    </span>
  );
}
