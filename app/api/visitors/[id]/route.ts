import { visitorIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { eraseVisitorForOperator } from "@/lib/privacy/visitors";
import { otherMethods } from "@/lib/http/methods";
import { visitorDetail } from "@/lib/visitors/visitors";

export const dynamic = "force-dynamic";

// One visitor and every session of theirs, in order (operators only): 404 when nothing is stored.
export const GET = operatorRoute({
  params: { id: visitorIdParam },
  handler: async ({ db, params }) => visitorDetail(db, params.id),
});

// Erases one visitor (operators only): 404 when nothing is stored about them.
export const DELETE = operatorRoute({
  params: { id: visitorIdParam },
  handler: async ({ db, params, requestId }) => eraseVisitorForOperator(db, params.id, requestId),
});

export const { POST, PUT, PATCH } = otherMethods("GET", "DELETE");
