import { otherMethods } from "@/lib/http/methods";
import { reviewQueueIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { nextReviewItem } from "@/lib/reviews/queues";
import { reviewNextBodySchema } from "@/lib/reviews/wire";

export const dynamic = "force-dynamic";

/** Leases the caller's next item (their live lease first): `{item, queue}`, or 204 when none is free. */
export const POST = operatorRoute({
  surface: "review_queue",
  params: { id: reviewQueueIdParam },
  body: reviewNextBodySchema,
  bodyOptional: true,
  maxBytes: 1024,
  handler: async ({ db, operator, params, body }) =>
    (await nextReviewItem(db, operator, params.id, body.seat)) ?? new Response(null, { status: 204 }),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");
