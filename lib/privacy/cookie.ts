import { visitorCookie } from "../chat/visitor-cookie";

// The Set-Cookie value that removes the visitor cookie, with the attributes it was set with
// (lib/http/visitor.ts): a partitioned cookie is only removed by a partitioned Set-Cookie.
export function forgetVisitorCookie(request: Request): string {
  const site = new URL(request.url).protocol === "https:" ? "SameSite=None; Secure; Partitioned" : "SameSite=Lax";
  return `${visitorCookie}=; Path=/; HttpOnly; ${site}; Max-Age=0`;
}
