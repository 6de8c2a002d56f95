import { z } from "zod";
import type { RpcResultOf } from "../db/registry";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import { log } from "../log";
import { deleteQueuedAudio } from "../voice/deletions";

// A visitor's data on request: export and erasure are SQL functions (export_visitor,
// erase_visitor); this is their one TypeScript caller (docs/privacy.md).

const visitorId = z.string().min(1).max(128).regex(/^[^\u0000-\u001f]+$/);

/** A path's visitor id; anything that cannot be one is simply not found. */
export function visitorIdParam(id: string): string {
  const parsed = visitorId.safeParse(id);
  if (!parsed.success) throw new AppError("not_found:visitor", "Nothing is stored about this visitor.");
  return parsed.data;
}

export function exportVisitor(db: Database, userId: string): Promise<Record<string, unknown>> {
  // masked as PII_MASKING says (the SQL function's default)
  return db.rpc("export_visitor", { p_user_id: userId });
}

export type Erasure = RpcResultOf<"erase_visitor">;

export async function eraseVisitor(db: Database, userId: string, requestedBy: "operator" | "visitor", requestId?: string) {
  const r = await db.rpc("erase_visitor", { p_user_id: userId, p_requested_by: requestedBy });
  // the log line names the opaque id only, never the erased visitor
  if (r.found) log("visitor.erased", { requestId, requestedBy, erasure: r.opaque_id, counts: r.counts });
  // their audio files: queued by the erasure's own transaction, deleted now (or by the next pass: lib/voice/deletions.ts)
  await deleteQueuedAudio(db).catch((error) => log("voice.audio_delete_failed", { requestId, error: String((error as Error)?.message ?? error) }, "warn"));
  return { erased: r.found, erasureId: r.opaque_id, counts: r.counts };
}
