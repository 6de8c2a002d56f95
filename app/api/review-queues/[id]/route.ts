import { otherMethods } from "@/lib/http/methods";
import { reviewQueueIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { reviewQueue } from "@/lib/reviews/queues";

export const dynamic = "force-dynamic";

/** The queue with its counts: pending (an expired lease included), in review, completed, skipped. */
export const GET = operatorRoute({
  surface: "review_queue",
  params: { id: reviewQueueIdParam },
  handler: async ({ db, params }) => reviewQueue(db, params.id),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
