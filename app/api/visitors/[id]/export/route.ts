import { visitorIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { exportVisitor } from "@/lib/privacy/visitors";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

// Everything stored about one visitor, as JSON (operators only).
export const GET = operatorRoute({
  params: { id: visitorIdParam },
  handler: async ({ db, params }) =>
    Response.json(await exportVisitor(db, params.id), { headers: { "Content-Disposition": `attachment; filename="visitor-export.json"` } }),
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
