import { database } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { mutation } from "@/lib/http/same-origin";
import { requireOperator } from "@/lib/operators/auth";
import { eraseVisitor, visitorIdParam } from "@/lib/privacy/visitors";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

// Erases one visitor (operators only): 404 when nothing is stored about them.
export async function DELETE(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return mutation(request, async () => {
    const db = await database();
    await requireOperator(request, db);
    const id = visitorIdParam((await params).id);
    const result = await eraseVisitor(db, id, "operator", request.headers.get("x-request-id") ?? undefined);
    if (!result.erased) throw new AppError("not_found:visitor", "Nothing is stored about this visitor.");
    return Response.json(result, { headers: { "Cache-Control": "no-store" } });
  });
}

export const { GET, HEAD, POST, PUT, PATCH } = otherMethods("DELETE");
