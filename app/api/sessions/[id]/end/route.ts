import { database } from "@/lib/db";
import { endSession } from "@/lib/chat/sessions";
import { readJson } from "@/lib/http/body";
import { sessionIdParam } from "@/lib/http/params";
import { knownVisitor } from "@/lib/http/visitor";
import { endSchema } from "./schema";
import { otherMethods } from "@/lib/http/methods";
import { mutation } from "@/lib/http/same-origin";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return mutation(request, async () => {
    const id = sessionIdParam((await params).id);
    // the body is optional: no body ends the session by hand
    const body = request.headers.has("content-type") ? await readJson(request, endSchema, "session", 1024) : endSchema.parse({});
    const db = await database();
    const visitor = await knownVisitor(request, db);
    return Response.json(await endSession(db, visitor, id, request.headers.get("x-request-id") ?? undefined, body.reason));
  }, { embed: true });
}

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");
