import { operatorRoute } from "@/lib/http/route";
import { otherMethods } from "@/lib/http/methods";
import { listVisitors, visitorQuerySchema } from "@/lib/visitors/visitors";

export const dynamic = "force-dynamic";

// The Visitors page's list (operators only): newest session first, `q` an id or its beginning, keyset `cursor`.
export const GET = operatorRoute({
  surface: "visitors",
  query: visitorQuerySchema,
  handler: async ({ db, query }) => listVisitors(db, query),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
