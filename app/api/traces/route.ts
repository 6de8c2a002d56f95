import { handle } from "@/lib/http/respond";
import { operatorSearch } from "@/lib/traces/request";
import { searchTraces } from "@/lib/traces/search";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const { db, query } = await operatorSearch(request);
    return Response.json(await searchTraces(db, query), { headers: { "Cache-Control": "no-store" } });
  });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
