import { database } from "@/lib/db";
import { parseWith } from "@/lib/http/body";
import { handle } from "@/lib/http/respond";
import { requireOperator } from "@/lib/operators/auth";
import { queryObject, traceQuerySchema } from "@/lib/traces/query";
import { searchTraces } from "@/lib/traces/search";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const db = await database();
    await requireOperator(request, db);
    const query = parseWith(traceQuerySchema, queryObject(new URL(request.url)), "traces");
    return Response.json(await searchTraces(db, query), { headers: { "Cache-Control": "no-store" } });
  });
}
