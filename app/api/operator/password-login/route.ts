import { otherMethods } from "@/lib/http/methods";
import { publicRoute } from "@/lib/http/route";
import { passwordLogin } from "@/lib/operators/login";
import { passwordLoginSchema } from "./schema";

export const dynamic = "force-dynamic";

// POST /api/operator/password-login {email, password}: Supabase Auth sign-in (@supabase/ssr);
// only users with app_metadata.role = "operator" get a session (README "Operators").
export const POST = publicRoute({
  surface: "login",
  body: passwordLoginSchema,
  maxBytes: 4 * 1024,
  handler: async ({ request, body }) => passwordLogin(request, body.email, body.password),
});

export const { GET, HEAD, PUT, PATCH, DELETE } = otherMethods("POST");
