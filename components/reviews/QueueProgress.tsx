import type { ReviewQueueView } from "@/lib/reviews/queues";
import { cx, muted } from "../operator/ui";

/** How far a queue is: finished (completed + skipped) of all its items, as a bar and in words. */
export function QueueProgress({ counts, label }: { counts: ReviewQueueView["counts"]; label: string }) {
  const done = counts.completed + counts.skipped;
  const percent = counts.total ? Math.round((done / counts.total) * 100) : 0;
  return (
    <div data-testid="queue-progress" data-done={done} data-total={counts.total}>
      <div
        role="progressbar"
        aria-label={label}
        aria-valuemin={0}
        aria-valuemax={counts.total}
        aria-valuenow={done}
        aria-valuetext={`${done} of ${counts.total} reviewed`}
        className="h-2 w-full overflow-hidden rounded-full bg-slate-200 dark:bg-slate-800"
      >
        <div className="h-full bg-indigo-600 dark:bg-indigo-400" style={{ width: `${percent}%` }} />
      </div>
      <p className={cx("mt-1 text-xs", muted)}>
        {done} of {counts.total} reviewed · {counts.pending} pending · {counts.inReview} in review · {counts.completed} completed ·{" "}
        {counts.skipped} skipped
      </p>
    </div>
  );
}
