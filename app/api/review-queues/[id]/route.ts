import { otherMethods } from "@/lib/http/methods";
import { reviewQueueIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { reviewQueue, setReviewQueueArchived } from "@/lib/reviews/queues";
import { reviewQueuePatchSchema } from "@/lib/reviews/wire";

export const dynamic = "force-dynamic";

/** The queue with its counts: pending (an expired lease included), in review, completed, skipped. */
export const GET = operatorRoute({
  surface: "review_queue",
  params: { id: reviewQueueIdParam },
  handler: async ({ db, params }) => reviewQueue(db, params.id),
});

/** `{archived: true}` archives the queue (fed no more, left out of the list; its items and scores stay), `false` brings it back. */
export const PATCH = operatorRoute({
  surface: "review_queue",
  params: { id: reviewQueueIdParam },
  body: reviewQueuePatchSchema,
  maxBytes: 1024,
  handler: async ({ db, params, body }) => setReviewQueueArchived(db, params.id, body.archived),
});

export const { POST, PUT, DELETE } = otherMethods("GET", "PATCH");
