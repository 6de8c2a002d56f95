import { health } from "@/lib/health";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

export async function GET(): Promise<Response> {
  const { status, body } = await health();
  return Response.json(body, { status, headers: { "Cache-Control": "no-store", ...(status === 503 ? { "Retry-After": "5" } : {}) } });
}

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
