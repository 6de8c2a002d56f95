import { database } from "@/lib/db";
import { endSession } from "@/lib/chat/sessions";
import { sessionIdParam } from "@/lib/http/params";
import { knownVisitor } from "@/lib/http/visitor";
import { otherMethods } from "@/lib/http/methods";
import { mutation } from "@/lib/http/same-origin";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return mutation(request, async () => {
    const id = sessionIdParam((await params).id);
    const db = await database();
    return Response.json(await endSession(db, await knownVisitor(request, db), id, request.headers.get("x-request-id") ?? undefined));
  }, { embed: true });
}

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");
