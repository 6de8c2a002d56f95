import { otherMethods } from "@/lib/http/methods";
import { traceIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { addComment, traceComments } from "@/lib/scores/comments";
import { commentBodySchema } from "@/lib/scores/wire";

export const dynamic = "force-dynamic";

export const GET = operatorRoute({
  surface: "comment",
  params: { id: traceIdParam },
  handler: async ({ db, operator, params }) => traceComments(db, params.id, operator),
});

export const POST = operatorRoute({
  surface: "comment",
  params: { id: traceIdParam },
  body: commentBodySchema,
  maxBytes: 16 * 1024,
  handler: async ({ db, operator, params, body }) =>
    Response.json(await addComment(db, operator, params.id, body.content, body.messageId), { status: 201 }),
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
