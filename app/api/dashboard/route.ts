import { dashboardQuerySchema } from "@/lib/dashboard/query";
import { dashboardStats } from "@/lib/dashboard/stats";
import { operatorRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

// GET /api/dashboard?from=&to=&a=&b= — the dashboard's figures (operators only).
export const GET = operatorRoute({
  surface: "dashboard",
  query: dashboardQuerySchema,
  handler: async ({ db, query }) => dashboardStats(db, query),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
