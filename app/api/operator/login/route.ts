import { database } from "@/lib/db";
import { AppError } from "@/lib/errors";
import { readJson } from "@/lib/http/body";
import { otherMethods } from "@/lib/http/methods";
import { mutation } from "@/lib/http/same-origin";
import { login } from "@/lib/operators/auth";
import { loginSchema } from "./schema";

export const dynamic = "force-dynamic";

// POST /api/operator/login {token}: a new login session on every login (README "Operators").
export async function POST(request: Request): Promise<Response> {
  return mutation(request, async () => {
    const { token } = await readJson(request, loginSchema, "login", 4 * 1024);
    const cookie = await login(await database(), request, token);
    if (!cookie) throw new AppError("unauthorized:login", "That token is not valid.");
    return Response.json({ ok: true }, { headers: { "Set-Cookie": cookie, "Cache-Control": "no-store" } });
  });
}

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");
