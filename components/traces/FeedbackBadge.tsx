import type { ReactNode } from "react";
import { CommentIcon, ThumbDownIcon, ThumbUpIcon } from "../operator/icons";
import { cx } from "../operator/ui";

const styles: Record<string, string> = {
  positive: "bg-emerald-50 text-emerald-700 ring-emerald-600/20 dark:bg-emerald-950/50 dark:text-emerald-300 dark:ring-emerald-400/30",
  negative: "bg-rose-50 text-rose-700 ring-rose-600/20 dark:bg-rose-950/50 dark:text-rose-300 dark:ring-rose-400/30",
  pending: "bg-slate-50 text-slate-500 ring-slate-500/20 dark:bg-slate-800/60 dark:text-slate-400 dark:ring-slate-400/20",
};

const icons: Record<string, ReactNode> = { positive: <ThumbUpIcon width="12" height="12" />, negative: <ThumbDownIcon width="12" height="12" /> };

/** A trace's feedback (the visitor's rating) as a small pill; the comment (if any) as its tooltip. */
export function FeedbackBadge({ feedback, comment, prefix }: { feedback: string; comment?: string | null; prefix?: string }) {
  return (
    <span
      data-testid="feedback-badge"
      data-feedback={feedback}
      title={comment ? `“${comment}”` : undefined}
      className={cx("inline-flex items-center gap-1 rounded-full px-2 py-0.5 text-[11px] font-medium ring-1 ring-inset", styles[feedback] ?? styles.pending)}
    >
      {icons[feedback]}
      {prefix ? `${prefix} ` : null}
      {feedback}
      {comment ? <CommentIcon /> : null}
      {comment ? <span className="sr-only">, with a comment</span> : null}
    </span>
  );
}
