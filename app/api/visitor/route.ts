import { visitorRoute } from "@/lib/http/route";
import { forgetVisitorCookie } from "@/lib/http/visitor-cookie";
import { eraseOwnHistory } from "@/lib/privacy/visitors";
import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";

// "Delete my chat history": the cookie's visitor erases their own data, and the
// cookie is dropped so the next chat starts as a new visitor.
export const DELETE = visitorRoute({
  visitor: "known",
  handler: async ({ request, db, visitor, requestId }) =>
    Response.json(await eraseOwnHistory(db, visitor, requestId), { headers: { "Set-Cookie": forgetVisitorCookie(request) } }),
});

export const { GET, HEAD, POST, PUT, PATCH } = otherMethods("DELETE");
