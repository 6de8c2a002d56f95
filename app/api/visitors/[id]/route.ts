import { visitorIdParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";
import { eraseVisitorForOperator } from "@/lib/privacy/visitors";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

// Erases one visitor (operators only): 404 when nothing is stored about them.
export const DELETE = operatorRoute({
  params: { id: visitorIdParam },
  handler: async ({ db, params, requestId }) => eraseVisitorForOperator(db, params.id, requestId),
});

export const { GET, HEAD, POST, PUT, PATCH } = otherMethods("DELETE");
