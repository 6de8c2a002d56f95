import { otherMethods } from "@/lib/http/methods";
import { reviewItemIdParam, reviewQueueIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { completeReviewItem } from "@/lib/reviews/queues";
import { reviewCompleteBodySchema } from "@/lib/reviews/wire";

export const dynamic = "force-dynamic";

/** Completes the caller's leased item (409 another's), with its scores written in the same transaction. */
export const POST = operatorRoute({
  surface: "review_item",
  params: { id: reviewQueueIdParam, itemId: reviewItemIdParam },
  body: reviewCompleteBodySchema,
  bodyOptional: true,
  maxBytes: 32 * 1024,
  handler: async ({ db, operator, params, body }) => completeReviewItem(db, operator, params.id, params.itemId, body.seat, body.scores),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");
