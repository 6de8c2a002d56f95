import { logoutCookie } from "@/lib/operators/auth";

export async function POST(): Promise<Response> {
  return Response.json({ ok: true }, { headers: { "Set-Cookie": logoutCookie } });
}
