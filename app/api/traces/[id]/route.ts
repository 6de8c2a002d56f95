import { traceIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { traceDetail } from "@/lib/traces/detail";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export const GET = operatorRoute({
  params: { id: traceIdParam },
  handler: async ({ db, params }) => traceDetail(db, params.id),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
