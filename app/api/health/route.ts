import { health } from "@/lib/health";
import { otherMethods } from "@/lib/http/methods";
import { publicRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

export const GET = publicRoute({
  handler: async ({ request }) => {
    const { status, body } = await health(request);
    return Response.json(body, { status, headers: { "Cache-Control": "no-store", ...(status === 503 ? { "Retry-After": "5" } : {}) } });
  },
});

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
