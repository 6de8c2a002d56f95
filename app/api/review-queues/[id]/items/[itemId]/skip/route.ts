import { otherMethods } from "@/lib/http/methods";
import { reviewItemIdParam, reviewQueueIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { skipReviewItem } from "@/lib/reviews/queues";
import { reviewNextBodySchema } from "@/lib/reviews/wire";

export const dynamic = "force-dynamic";

/** Skips the caller's leased item (409 another's). */
export const POST = operatorRoute({
  surface: "review_item",
  params: { id: reviewQueueIdParam, itemId: reviewItemIdParam },
  body: reviewNextBodySchema,
  bodyOptional: true,
  maxBytes: 1024,
  handler: async ({ db, operator, params, body }) => skipReviewItem(db, operator, params.id, params.itemId, body.seat),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");
