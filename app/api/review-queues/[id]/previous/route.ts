import { otherMethods } from "@/lib/http/methods";
import { reviewQueueIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { previousReviewItem } from "@/lib/reviews/queues";
import { reviewPreviousBodySchema } from "@/lib/reviews/wire";

export const dynamic = "force-dynamic";

/** The item the caller finished before `before` (their newest without it): `{item}`, null when none. */
export const POST = operatorRoute({
  surface: "review_queue",
  params: { id: reviewQueueIdParam },
  body: reviewPreviousBodySchema,
  bodyOptional: true,
  maxBytes: 1024,
  handler: async ({ db, operator, params, body }) => previousReviewItem(db, operator, params.id, body.seat, body.before),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");
