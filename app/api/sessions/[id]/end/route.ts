import { database } from "@/lib/db";
import { endSession } from "@/lib/chat/sessions";
import { sessionIdParam } from "@/lib/http/params";
import { handle } from "@/lib/http/respond";
import { knownVisitor } from "@/lib/http/visitor";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = sessionIdParam((await params).id);
    const db = await database();
    return Response.json(await endSession(db, await knownVisitor(request, db), id, request.headers.get("x-request-id") ?? undefined));
  });
}
