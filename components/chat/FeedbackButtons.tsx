"use client";

import { focusRing } from "./styles";
import type { Rating } from "./types";

interface FeedbackButtonsProps {
  rating: Rating | null;
  onRate: (rating: Rating) => void;
}

const shape = `rounded-full border px-2.5 py-0.5 text-xs font-medium ${focusRing}`;
const base = `${shape} border-slate-300 text-slate-700 hover:bg-slate-100 dark:border-slate-600 dark:text-slate-300 dark:hover:bg-slate-800`;
const chosen = `${shape} border-indigo-600 bg-indigo-600 text-white hover:bg-indigo-700 dark:border-indigo-300 dark:bg-indigo-300 dark:text-slate-900`;

/** The session rating, under the latest reply of a session: rates the whole conversation's trace. */
export function FeedbackButtons({ rating, onRate }: FeedbackButtonsProps) {
  return (
    <div role="group" aria-label="Rate this conversation" data-testid="session-rating" className="mt-1.5 flex flex-wrap items-center gap-1.5 text-xs text-slate-600 dark:text-slate-400">
      <span>{rating ? "Thanks for the feedback" : "Was this chat helpful?"}</span>
      <button type="button" data-testid="feedback-up" aria-pressed={rating === "positive"} onClick={() => onRate("positive")} className={rating === "positive" ? chosen : base}>
        Yes
      </button>
      <button type="button" data-testid="feedback-down" aria-pressed={rating === "negative"} onClick={() => onRate("negative")} className={rating === "negative" ? chosen : base}>
        No
      </button>
    </div>
  );
}
