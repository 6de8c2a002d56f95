"use client";

import { useRouter } from "next/navigation";
import { useState, useTransition, type ReactNode } from "react";
import { ThumbDownIcon, ThumbUpIcon } from "../operator/icons";
import { button, card, cardTitle, cx, input, muted, primaryButton } from "../operator/ui";
import { sendJson } from "../operator/send-json";

type Rating = "positive" | "negative" | "pending";

const choices: { rating: Rating; label: string; icon?: ReactNode }[] = [
  { rating: "positive", label: "Positive", icon: <ThumbUpIcon /> },
  { rating: "negative", label: "Negative", icon: <ThumbDownIcon /> },
  { rating: "pending", label: "No rating" },
];

/**
 * The operator's own rating of the trace (their `helpful` score) and its comment; they set or clear it
 * (POST /api/traces/{id}/feedback). The visitor's rating is a score of its own (ScoresPanel).
 */
export function FeedbackEditor({ traceId, feedback, comment }: { traceId: string; feedback: string; comment: string | null }) {
  const router = useRouter();
  const [rating, setRating] = useState<Rating>((feedback as Rating) ?? "pending");
  const [text, setText] = useState(comment ?? "");
  const [status, setStatus] = useState<{ kind: "saved" | "error"; message: string } | null>(null);
  const [busy, setBusy] = useState(false);
  const [, startTransition] = useTransition();
  // the server's values changed (after a save and refresh): show them, keep the status line
  const [shown, setShown] = useState({ traceId, feedback, comment });
  if (shown.traceId !== traceId || shown.feedback !== feedback || shown.comment !== comment) {
    if (shown.traceId !== traceId) setStatus(null);
    setShown({ traceId, feedback, comment });
    setRating(feedback as Rating);
    setText(comment ?? "");
  }
  const dirty = rating !== feedback || text.trim() !== (comment ?? "");

  async function save() {
    setBusy(true);
    setStatus(null);
    try {
      await sendJson(`/api/traces/${traceId}/feedback`, "POST", text.trim() ? { rating, comment: text.trim() } : { rating }, "Saving failed");
      setStatus({ kind: "saved", message: rating === "pending" ? "Feedback cleared." : "Feedback saved." });
      if (rating === "pending") setText("");
      startTransition(() => router.refresh());
    } catch (error) {
      setStatus({ kind: "error", message: (error as Error).message || "Saving failed." });
    } finally {
      setBusy(false);
    }
  }

  return (
    <section aria-labelledby="feedback-title" data-testid="feedback-editor" data-feedback={feedback} className={cx(card, "space-y-3 p-4")}>
      <h2 id="feedback-title" className={cardTitle}>Your rating</h2>
      <div role="radiogroup" aria-label="Rating" className="flex flex-wrap gap-1.5">
        {choices.map((c) => (
          <button
            key={c.rating}
            type="button"
            role="radio"
            aria-checked={rating === c.rating}
            onClick={() => setRating(c.rating)}
            data-testid={`feedback-${c.rating === "pending" ? "clear" : c.rating}`}
            className={cx(button, rating === c.rating && "border-indigo-500 bg-indigo-50 text-indigo-800 dark:border-indigo-400 dark:bg-indigo-950 dark:text-indigo-200")}
          >
            {c.icon}
            {c.label}
          </button>
        ))}
      </div>
      <label className="block">
        <span className={cx("text-xs", muted)}>Comment</span>
        <textarea
          value={text}
          maxLength={2000}
          rows={3}
          onChange={(e) => setText(e.target.value)}
          disabled={rating === "pending"}
          placeholder={rating === "pending" ? "Choose a rating to add a comment" : "Why? (optional)"}
          data-testid="feedback-comment"
          className={cx(input, "mt-1 h-auto py-1.5")}
        />
      </label>
      <div className="flex items-center gap-3">
        <button type="button" onClick={save} disabled={busy || !dirty} data-testid="feedback-save" className={primaryButton}>
          {busy ? "Saving…" : "Save"}
        </button>
        {status && (
          <p role={status.kind === "error" ? "alert" : "status"} data-testid="feedback-status" data-kind={status.kind} className={cx("text-xs", status.kind === "error" ? "text-rose-700 dark:text-rose-300" : "text-emerald-700 dark:text-emerald-300")}>
            {status.message}
          </p>
        )}
      </div>
    </section>
  );
}
