import { otherMethods } from "@/lib/http/methods";
import { publicRoute } from "@/lib/http/route";
import { tokenLogin } from "@/lib/operators/login";
import { loginSchema } from "./schema";

export const dynamic = "force-dynamic";

// POST /api/operator/login {token}: a new login session on every login (README "Operators").
export const POST = publicRoute({
  surface: "login",
  body: loginSchema,
  maxBytes: 4 * 1024,
  handler: async ({ request, body, openDatabase }) => tokenLogin(await openDatabase(), request, body.token),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");
