import { operatorRoute } from "@/lib/http/route";
import { tracesCsvResponse } from "@/lib/traces/csv";
import { traceQuerySchema } from "@/lib/traces/query";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const GET = operatorRoute({
  surface: "traces",
  query: traceQuerySchema,
  handler: async ({ db, query }) => tracesCsvResponse(db, query),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
