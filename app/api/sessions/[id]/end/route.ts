import { database } from "@/lib/db";
import { endSession } from "@/lib/chat/sessions";
import { readJson } from "@/lib/http/body";
import { sessionIdParam } from "@/lib/http/params";
import { handle } from "@/lib/http/respond";
import { knownVisitor } from "@/lib/http/visitor";
import { endSchema } from "./schema";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const id = sessionIdParam((await params).id);
    // the body is optional: no body ends the session by hand
    const body = request.headers.has("content-type") ? await readJson(request, endSchema, "session", 1024) : endSchema.parse({});
    const db = await database();
    const visitor = await knownVisitor(request, db);
    return Response.json(await endSession(db, visitor, id, request.headers.get("x-request-id") ?? undefined, body.reason));
  });
}
