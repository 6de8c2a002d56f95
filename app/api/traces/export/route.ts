import { handle } from "@/lib/http/respond";
import { tracesCsv } from "@/lib/traces/csv";
import { operatorSearch } from "@/lib/traces/request";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const { db, query } = await operatorSearch(request);
    const name = `traces-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, "-")}.csv`;
    return new Response(await tracesCsv(db, query), {
      headers: { "Content-Type": "text/csv; charset=utf-8", "Content-Disposition": `attachment; filename="${name}"`, "Cache-Control": "no-store" },
    });
  });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
