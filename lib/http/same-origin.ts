import { env } from "../env";
import { AppError } from "../errors";
import { handle } from "./respond";

// CSRF (docs/reliability.md "Security"): every state-changing route runs through
// `mutation()`, which refuses a browser request sent from another site. A browser
// names the page's origin in `Origin` (and says `Sec-Fetch-Site`); it must be this
// app's own host, or, for visitor routes, one of EMBED_ALLOWED_ORIGINS (the sites
// framing the widget). Requests without either header (curl, servers) are not
// cross-site requests forged by a browser and pass.

export interface OriginRule {
  /** Visitor routes the widget may call: EMBED_ALLOWED_ORIGINS count as our own. */
  embed?: boolean;
}

function ownHosts(request: Request): string[] {
  const hosts: (string | null | undefined)[] = [request.headers.get("host")];
  if (env().TRUSTED_PROXY_HOPS > 0) hosts.push(request.headers.get("x-forwarded-host")?.split(",")[0]);
  return hosts.filter((h): h is string => Boolean(h)).map((h) => h.trim().toLowerCase());
}

function embedOrigins(): string[] {
  return (env().EMBED_ALLOWED_ORIGINS ?? "")
    .split(/\s+/)
    .filter((o) => o && o !== "*" && o !== "'self'")
    .map((o) => o.replace(/\/+$/, "").toLowerCase());
}

export function isSameOrigin(request: Request, rule: OriginRule = {}): boolean {
  const origin = request.headers.get("origin");
  if (origin !== null) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false; // "null" (a sandboxed or opaque page) or garbage
    }
    if (ownHosts(request).includes(parsed.host.toLowerCase())) return true;
    return Boolean(rule.embed) && embedOrigins().includes(parsed.origin.toLowerCase());
  }
  const site = request.headers.get("sec-fetch-site");
  return site === null || site === "same-origin" || site === "none";
}

export function assertSameOrigin(request: Request, rule: OriginRule = {}): void {
  if (!isSameOrigin(request, rule)) {
    throw new AppError("forbidden:origin", "Cross-site requests are not accepted here.");
  }
}

/** A state-changing route: the cross-site check, then the handler; errors become typed responses. */
export function mutation(request: Request, run: () => Promise<Response>, rule: OriginRule = {}): Promise<Response> {
  return handle(async () => {
    assertSameOrigin(request, rule);
    return run();
  });
}
