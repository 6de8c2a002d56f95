import { AppError } from "../errors";
import { errorResponse } from "./respond";

// Methods a route does not serve answer a typed JSON 405 with `Allow` (Next.js's own is empty).
// A route file exports the rest: `export const { PUT, PATCH, DELETE } = otherMethods("GET");`
// (HEAD follows GET, OPTIONS is Next.js's own answer.)

const methods = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"] as const;
type Method = Exclude<(typeof methods)[number], "HEAD">;
type Handler = (request: Request) => Promise<Response>;
type Others<M extends Method> = Exclude<(typeof methods)[number], M | ("GET" extends M ? "HEAD" : never)>;

export function otherMethods<M extends Method>(...served: M[]): Record<Others<M>, Handler> {
  const names: string[] = served;
  const allow = [...names, ...(names.includes("GET") ? ["HEAD"] : []), "OPTIONS"].join(", ");
  const refuse: Handler = async () =>
    errorResponse(new AppError("method_not_allowed:route", `This route accepts ${names.join(", ")}.`), { Allow: allow });
  const refused = methods.filter((m) => !names.includes(m) && !(m === "HEAD" && names.includes("GET")));
  return Object.fromEntries(refused.map((m) => [m, refuse])) as Record<Others<M>, Handler>;
}
