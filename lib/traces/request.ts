import "server-only";
import { database } from "../db";
import type { Database } from "../db/types";
import { parseWith } from "../http/body";
import { requireOperator } from "../operators/auth";
import { queryObject, traceQuerySchema, type TraceQuery } from "./query";

/** An operator's trace search request (GET /api/traces and its CSV export): 401 or 400 before any search. */
export async function operatorSearch(request: Request): Promise<{ db: Database; query: TraceQuery }> {
  const db = await database();
  await requireOperator(request, db);
  return { db, query: parseWith(traceQuerySchema, queryObject(new URL(request.url)), "traces") };
}
