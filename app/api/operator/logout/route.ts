import { otherMethods } from "@/lib/http/methods";
import { publicRoute } from "@/lib/http/route";
import { operatorLogout } from "@/lib/operators/login";

export const dynamic = "force-dynamic";

// POST /api/operator/logout: revokes the login session on the server (and signs a Supabase Auth user out).
export const POST = publicRoute({
  handler: async ({ request, openDatabase }) => operatorLogout(await openDatabase(), request),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");
