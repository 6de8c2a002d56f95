import { database } from "@/lib/db";
import { sessionHistory } from "@/lib/chat/sessions";
import { sessionIdParam } from "@/lib/http/params";
import { handle } from "@/lib/http/respond";
import { knownVisitor } from "@/lib/http/visitor";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = sessionIdParam((await params).id);
    const db = await database();
    return Response.json(await sessionHistory(db, await knownVisitor(request, db), id), { headers: { "Cache-Control": "no-store" } });
  });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
