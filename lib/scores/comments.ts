import type { CommentRow } from "../db/rpc/scores";
import type { Database } from "../db/types";
import type { OperatorIdentity } from "../operators/auth";

// Operators' comments on a trace or one of its messages (docs/rules.md, "Scores and comments"):
// only the author edits or deletes one, decided in SQL.

export function commentView(c: CommentRow) {
  return {
    id: c.id,
    traceId: c.trace_id,
    messageId: c.message_id,
    author: c.author,
    content: c.content,
    createdAt: c.created_at,
    updatedAt: c.updated_at,
    mine: c.mine,
  };
}

export type CommentView = ReturnType<typeof commentView>;

export async function traceComments(db: Database, traceId: string, who?: OperatorIdentity): Promise<{ comments: CommentView[] }> {
  const r = await db.rpc("trace_comments", { p_trace_id: traceId, p_author: who?.author });
  return { comments: r.comments.map(commentView) };
}

export async function addComment(db: Database, who: OperatorIdentity, traceId: string, content: string, messageId?: string): Promise<CommentView> {
  return commentView(await db.rpc("add_trace_comment", { p_trace_id: traceId, p_author: who.author, p_content: content, p_message_id: messageId }));
}

export async function editComment(db: Database, who: OperatorIdentity, commentId: string, content: string): Promise<CommentView> {
  return commentView(await db.rpc("edit_trace_comment", { p_comment_id: commentId, p_author: who.author, p_content: content }));
}

export async function deleteComment(db: Database, who: OperatorIdentity, commentId: string): Promise<{ deleted: boolean; id: string }> {
  return db.rpc("delete_trace_comment", { p_comment_id: commentId, p_author: who.author });
}
