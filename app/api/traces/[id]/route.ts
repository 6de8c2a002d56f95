import { z } from "zod";
import { database } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { handle } from "@/lib/http/respond";
import { requireOperator } from "@/lib/operators/auth";
import { traceDetail } from "@/lib/traces/detail";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return handle(async () => {
    const db = await database();
    await requireOperator(request, db);
    const { id } = await params;
    if (!z.uuid().safeParse(id).success) throw new AppError("not_found:trace", "No such trace.");
    return Response.json(await traceDetail(db, id), { headers: { "Cache-Control": "no-store" } });
  });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
