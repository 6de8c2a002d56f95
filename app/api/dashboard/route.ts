import { database } from "@/lib/db";
import { dashboardQueryObject, dashboardQuerySchema } from "@/lib/dashboard/query";
import { dashboardStats } from "@/lib/dashboard/stats";
import { parseWith } from "@/lib/http/body";
import { handle } from "@/lib/http/respond";
import { requireOperator } from "@/lib/operators/auth";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

// GET /api/dashboard?from=&to=&a=&b= — the dashboard's figures (operators only).
export async function GET(request: Request): Promise<Response> {
  return handle(async () => {
    const db = await database();
    await requireOperator(request, db);
    const query = parseWith(dashboardQuerySchema, dashboardQueryObject(new URL(request.url)), "dashboard");
    return Response.json(await dashboardStats(db, query), { headers: { "Cache-Control": "no-store" } });
  });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
