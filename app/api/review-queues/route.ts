import { otherMethods } from "@/lib/http/methods";
import { operatorRoute } from "@/lib/http/route";
import { createReviewQueue, reviewQueues } from "@/lib/reviews/queues";
import { reviewQueueBodySchema, reviewQueuesQuerySchema } from "@/lib/reviews/wire";

export const dynamic = "force-dynamic";

/** The queues in use; `?archived=true` lists the archived ones too. */
export const GET = operatorRoute({
  surface: "review_queue",
  query: reviewQueuesQuerySchema,
  handler: async ({ db, query }) => reviewQueues(db, query.archived === "true"),
});

export const POST = operatorRoute({
  surface: "review_queue",
  body: reviewQueueBodySchema,
  maxBytes: 8 * 1024,
  handler: async ({ db, operator, body }) => Response.json(await createReviewQueue(db, operator, body), { status: 201 }),
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
