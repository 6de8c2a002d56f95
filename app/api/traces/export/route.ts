import { database } from "@/lib/db";
import { parseWith } from "@/lib/http/body";
import { handle } from "@/lib/http/respond";
import { requireOperator } from "@/lib/operators/auth";
import { tracesCsv } from "@/lib/traces/csv";
import { queryObject, traceQuerySchema } from "@/lib/traces/query";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const db = await database();
    await requireOperator(request, db);
    const query = parseWith(traceQuerySchema, queryObject(new URL(request.url)), "traces");
    const name = `traces-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.csv`;
    return new Response(await tracesCsv(db, query), {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" },
    });
  });
}
