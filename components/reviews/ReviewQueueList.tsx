import Link from "next/link";
import type { ReviewQueueView } from "@/lib/reviews/queues";
import { card, cardTitle, cx, link, muted } from "../operator/ui";
import { QueueProgress } from "./QueueProgress";

/** What feeds a queue, in words. */
export function feedWords(feed: ReviewQueueView["feed"]): string {
  const rules = [
    feed.negativeVisitorScore && "negative visitor score",
    feed.failedStep && "failed step",
    feed.handoff && "handoff",
    feed.minCost !== null && `cost ≥ $${feed.minCost}`,
    feed.sampleRate !== null && `${Math.round(feed.sampleRate * 1000) / 10}% of new traces`,
  ].filter(Boolean);
  const agent = feed.agent ? (rules.length ? ` (agent ${feed.agent} only)` : `every trace of agent ${feed.agent}`) : "";
  return rules.join(", ") + agent;
}

export function ReviewQueueList({ queues }: { queues: ReviewQueueView[] }) {
  return (
    <section aria-labelledby="queues-title" className={cx(card, "p-4")}>
      <h2 id="queues-title" className={cardTitle}>
        Review queues <span className={cx("font-normal", muted)}>({queues.length})</span>
      </h2>
      {queues.length === 0 ? (
        <p className={cx("mt-3 text-sm", muted)} data-testid="queues-empty">
          No review queue yet: create one below.
        </p>
      ) : (
        <ul className="mt-3 divide-y divide-slate-200 dark:divide-slate-800" data-testid="queue-list">
          {queues.map((q) => (
            <li key={q.id} className="py-3" data-testid="queue-row" data-queue-id={q.id}>
              <div className="flex flex-wrap items-baseline justify-between gap-2">
                <Link href={`/review/${q.id}`} className={cx(link, "text-base")}>
                  {q.name}
                </Link>
                <span className={cx("text-xs", muted)}>scores: {q.scoreConfigs.map((c) => c.name).join(", ")}</span>
              </div>
              <p className={cx("mb-2 text-xs", muted)}>Fed by {feedWords(q.feed)}</p>
              <QueueProgress counts={q.counts} label={`${q.name}: progress`} />
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
