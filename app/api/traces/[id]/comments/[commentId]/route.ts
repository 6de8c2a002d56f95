import { z } from "zod";
import { otherMethods } from "@/lib/http/methods";
import { pathParam, traceIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { deleteComment, editComment } from "@/lib/scores/comments";
import { commentEditSchema } from "@/lib/scores/wire";

export const dynamic = "force-dynamic";

const commentIdParam = pathParam(z.uuid(), "not_found:comment", "No such comment.");

/** The author's own comment only (another's is 403). */
export const PATCH = operatorRoute({
  surface: "comment",
  params: { id: traceIdParam, commentId: commentIdParam },
  body: commentEditSchema,
  maxBytes: 16 * 1024,
  handler: async ({ db, operator, params, body }) => editComment(db, operator, params.commentId, body.content),
});

export const DELETE = operatorRoute({
  surface: "comment",
  params: { id: traceIdParam, commentId: commentIdParam },
  handler: async ({ db, operator, params }) => deleteComment(db, operator, params.commentId),
});

export const { GET, HEAD, POST, PUT } = otherMethods("PATCH", "DELETE");
