import type { ReviewItemRow, ReviewQueueRow } from "../db/rpc/reviews";
import type { Database } from "../db/types";
import type { OperatorIdentity } from "../operators/auth";
import { scoreConfigView } from "../scores/scores";
import type { ReviewQueueBody, ReviewScore } from "./wire";

// Review queues (docs/architecture.md, "Review queues"): what feeds a queue, who holds an item and who
// may finish it are decided in SQL; this file names the reviewer and shapes the answers.

export function reviewQueueView(q: ReviewQueueRow) {
  const num = (v: string | number | null) => (v === null ? null : Number(v));
  return {
    id: q.id,
    name: q.name,
    archived: q.archived,
    createdBy: q.created_by,
    createdAt: q.created_at,
    feed: {
      negativeVisitorScore: q.feed.negative_visitor_score,
      failedStep: q.feed.failed_step,
      handoff: q.feed.handoff,
      minCost: num(q.feed.min_cost),
      agent: q.feed.agent,
      sampleRate: num(q.feed.sample_rate),
    },
    scoreConfigs: q.score_configs.map(scoreConfigView),
    counts: { pending: q.counts.pending, inReview: q.counts.in_review, completed: q.counts.completed, skipped: q.counts.skipped, total: q.counts.total },
  };
}

export function reviewItemView(i: ReviewItemRow) {
  return {
    id: i.id,
    queueId: i.queue_id,
    traceId: i.trace_id,
    reason: i.reason,
    status: i.status,
    leasedTo: i.leased_to,
    leaseUntil: i.lease_until,
    completedBy: i.completed_by,
    finishedAt: i.finished_at,
    createdAt: i.created_at,
    sessionTag: i.session_tag,
    agent: i.agent_type,
    traceCreatedAt: i.trace_created_at,
  };
}

export type ReviewQueueView = ReturnType<typeof reviewQueueView>;
export type ReviewItemView = ReturnType<typeof reviewItemView>;

/** Who holds a lease: the operator's author, and the seat (a browser tab) when one is given. */
export function reviewerOf(who: OperatorIdentity, seat?: string): string {
  return seat ? `${who.author}#${seat}` : who.author;
}

/** The queues in use, newest first; with `archived` the archived ones too (after them). */
export async function reviewQueues(db: Database, archived = false): Promise<{ queues: ReviewQueueView[] }> {
  return { queues: (await db.rpc("review_queues", { p_archived: archived })).queues.map(reviewQueueView) };
}

/** Archives a queue (fed no more, left out of the list; its items and scores stay) or brings it back. */
export async function setReviewQueueArchived(db: Database, queueId: string, archived: boolean): Promise<ReviewQueueView> {
  return reviewQueueView(await db.rpc("set_review_queue_archived", { p_queue_id: queueId, p_archived: archived }));
}

export async function reviewQueue(db: Database, queueId: string): Promise<ReviewQueueView> {
  return reviewQueueView(await db.rpc("review_queue", { p_queue_id: queueId }));
}

export async function createReviewQueue(db: Database, who: OperatorIdentity, body: ReviewQueueBody): Promise<ReviewQueueView> {
  const f = body.feed;
  return reviewQueueView(
    await db.rpc("create_review_queue", {
      p_name: body.name, p_score_configs: body.scoreConfigs, p_created_by: who.author,
      p_negative_visitor_score: f.negativeVisitorScore, p_failed_step: f.failedStep, p_handoff: f.handoff,
      p_min_cost: f.minCost, p_agent: f.agent, p_sample_rate: f.sampleRate,
    }),
  );
}

/** The reviewer's next item, leased to them for five minutes; null when none is free. */
export async function nextReviewItem(db: Database, who: OperatorIdentity, queueId: string, seat?: string) {
  const r = await db.rpc("review_queue_next", { p_queue_id: queueId, p_reviewer: reviewerOf(who, seat) });
  return r.item ? { item: reviewItemView(r.item), queue: reviewQueueView(r.queue) } : null;
}

export async function completeReviewItem(db: Database, who: OperatorIdentity, queueId: string, itemId: string, seat?: string, scores: ReviewScore[] = []) {
  const r = await db.rpc("review_queue_complete", {
    p_queue_id: queueId, p_item_id: itemId, p_reviewer: reviewerOf(who, seat), p_source: who.source, p_author: who.author,
    p_scores: scores.map((s) => ({ name: s.name, value: String(s.value), comment: s.comment })),
  });
  return { item: reviewItemView(r.item), queue: reviewQueueView(r.queue) };
}

export async function skipReviewItem(db: Database, who: OperatorIdentity, queueId: string, itemId: string, seat?: string) {
  const r = await db.rpc("review_queue_skip", { p_queue_id: queueId, p_item_id: itemId, p_reviewer: reviewerOf(who, seat) });
  return { item: reviewItemView(r.item), queue: reviewQueueView(r.queue) };
}

/** The item the reviewer finished before `before` (their newest finished one without it). */
export async function previousReviewItem(db: Database, who: OperatorIdentity, queueId: string, seat?: string, before?: string) {
  const r = await db.rpc("review_queue_previous", { p_queue_id: queueId, p_reviewer: reviewerOf(who, seat), p_before: before });
  return { item: r.item ? reviewItemView(r.item) : null };
}
