import type { Database } from "../db/types";
import { AppError } from "../errors";
import { log } from "../log";
import { deleteQueuedAudio } from "../voice/deletions";

// A visitor's data on request: export and erasure are SQL functions (export_visitor,
// erase_visitor); this is their one TypeScript caller (docs/privacy.md).

export function exportVisitor(db: Database, userId: string): Promise<Record<string, unknown>> {
  // masked as PII_MASKING says (the SQL function's default)
  return db.rpc("export_visitor", { p_user_id: userId });
}

async function eraseVisitor(db: Database, userId: string, requestedBy: "operator" | "visitor", requestId?: string) {
  const r = await db.rpc("erase_visitor", { p_user_id: userId, p_requested_by: requestedBy });
  // the log line names the opaque id only, never the erased visitor
  if (r.found) log("visitor.erased", { requestId, requestedBy, erasure: r.opaque_id, counts: r.counts });
  // their audio files: queued by the erasure's own transaction, deleted now (or by the next pass: lib/voice/deletions.ts)
  await deleteQueuedAudio(db).catch((error) => log("voice.audio_delete_failed", { requestId, error: String((error as Error)?.message ?? error) }, "warn"));
  return { erased: r.found, erasureId: r.opaque_id, counts: r.counts };
}

/** "Delete my chat history" (DELETE /api/visitor): the cookie's visitor erases their own data. */
export async function eraseOwnHistory(db: Database, visitorId: string | null, requestId?: string) {
  if (!visitorId) throw new AppError("not_found:visitor", "There is no chat history to delete.");
  const { erased, counts } = await eraseVisitor(db, visitorId, "visitor", requestId);
  return { erased, counts };
}

/** An operator erases one visitor (DELETE /api/visitors/{id}): 404 when nothing is stored about them. */
export async function eraseVisitorForOperator(db: Database, userId: string, requestId?: string) {
  const result = await eraseVisitor(db, userId, "operator", requestId);
  if (!result.erased) throw new AppError("not_found:visitor", "Nothing is stored about this visitor.");
  return result;
}
