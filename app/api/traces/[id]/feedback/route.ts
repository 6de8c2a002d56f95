import { z } from "zod";
import { database } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { readJson } from "@/lib/http/body";
import { requireOperator } from "@/lib/operators/auth";
import { setTraceFeedback } from "@/lib/traces/detail";
import { traceFeedbackSchema } from "./schema";
import { otherMethods } from "@/lib/http/methods";
import { mutation } from "@/lib/http/same-origin";

export const dynamic = "force-dynamic";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  return mutation(request, async () => {
    const db = await database();
    await requireOperator(request, db);
    const { id } = await params;
    if (!z.uuid().safeParse(id).success) throw new AppError("not_found:trace", "No such trace.");
    const body = await readJson(request, traceFeedbackSchema, "feedback", 8 * 1024);
    return Response.json(await setTraceFeedback(db, id, body.rating, body.comment));
  });
}

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");
