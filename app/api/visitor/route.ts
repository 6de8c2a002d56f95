import { database } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { mutation } from "@/lib/http/same-origin";
import { knownVisitor } from "@/lib/http/visitor";
import { eraseVisitor } from "@/lib/privacy/visitors";
import { forgetVisitorCookie } from "@/lib/privacy/cookie";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

// "Delete my chat history": the cookie's visitor erases their own data, and the
// cookie is dropped so the next chat starts as a new visitor.
export async function DELETE(request: Request): Promise<Response> {
  return mutation(request, async () => {
    const db = await database();
    const id = await knownVisitor(request, db);
    if (!id) throw new AppError("not_found:visitor", "There is no chat history to delete.");
    const result = await eraseVisitor(db, id, "visitor", request.headers.get("x-request-id") ?? undefined);
    return Response.json(
      { erased: result.erased, counts: result.counts },
      { headers: { "Cache-Control": "no-store", "Set-Cookie": forgetVisitorCookie(request) } },
    );
  }, { embed: true });
}

export const { GET, HEAD, POST, PUT, PATCH } = otherMethods("DELETE");
