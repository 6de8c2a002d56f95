import type { Database } from "../db/types";
import { AppError } from "../errors";
import { parseTagRef, parseVisitorFilter } from "../visitors/reference";
import { visitorsByRef } from "../visitors/visitors";
import type { TraceQuery } from "./query";

// The explorer's visitor references (lib/visitors/reference.ts): the search box's "tag · v:ref"
// becomes the exact tag and that visitor; the visitor filter takes a whole id or "v:ref".
// Null when the reference names no visitor (the search finds nothing).

export async function withVisitorRef(db: Database, q: TraceQuery): Promise<TraceQuery | null> {
  const pair = parseTagRef(q.q ?? q.sessionTag);
  const filter = parseVisitorFilter(q.userId);
  const ref = pair?.ref ?? (filter && "ref" in filter ? filter.ref : undefined);
  if (!ref) return q;
  const out: TraceQuery = pair ? { ...q, sessionTag: pair.sessionTag, q: undefined } : q;
  const ids = await visitorsByRef(db, ref, 2);
  if (ids.length === 0) return null;
  if (ids.length > 1) {
    throw new AppError("bad_request:traces", `v:${ref} names more than one visitor: filter by the whole visitor id.`);
  }
  if (filter && "userId" in filter && filter.userId !== ids[0]) return null;
  return { ...out, userId: ids[0] };
}
