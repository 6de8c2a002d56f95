import { operatorRoute } from "@/lib/http/route";
import { traceQuerySchema } from "@/lib/traces/query";
import { searchTraces } from "@/lib/traces/search";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const GET = operatorRoute({
  surface: "traces",
  query: traceQuerySchema,
  handler: async ({ db, query }) => searchTraces(db, query),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
