"use client";

import { cx, focusRing } from "./styles";
import type { Rating } from "./types";

interface FeedbackButtonsProps {
  rating: Rating | null;
  onRate: (rating: Rating) => void;
}

const base = `rounded-full border border-slate-300 px-2.5 py-0.5 text-xs font-medium text-slate-700 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-300 dark:hover:bg-slate-800 ${focusRing}`;
const chosen = "border-indigo-600 bg-indigo-100 text-indigo-800 dark:border-indigo-300 dark:bg-indigo-900 dark:text-indigo-100";

/** The session rating, under the latest reply of a session: rates the whole conversation's trace. */
export function FeedbackButtons({ rating, onRate }: FeedbackButtonsProps) {
  return (
    <div role="group" aria-label="Rate this conversation" data-testid="session-rating" className="mt-1.5 flex flex-wrap items-center gap-1.5 text-xs text-slate-600 dark:text-slate-400">
      <span>{rating ? "Thanks for the feedback" : "Was this chat helpful?"}</span>
      <button type="button" data-testid="feedback-up" aria-pressed={rating === "positive"} onClick={() => onRate("positive")} className={cx(base, rating === "positive" && chosen)}>
        Yes
      </button>
      <button type="button" data-testid="feedback-down" aria-pressed={rating === "negative"} onClick={() => onRate("negative")} className={cx(base, rating === "negative" && chosen)}>
        No
      </button>
    </div>
  );
}
