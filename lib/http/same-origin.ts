import { env } from "../env";
import { AppError } from "../errors";

// CSRF (docs/reliability.md "Security"): every state-changing route runs this check
// (lib/http/route.ts, on every method but GET/HEAD/OPTIONS), refusing a browser request sent from another site. A browser
// names the page's origin in `Origin` (and says `Sec-Fetch-Site`); it must be this
// app's own host, or, for visitor routes, one of EMBED_ALLOWED_ORIGINS (the sites
// framing the widget). Requests without either header (curl, servers) are not
// cross-site requests forged by a browser and pass.

export interface OriginRule {
  /** Visitor routes the widget may call: EMBED_ALLOWED_ORIGINS count as our own. */
  embed?: boolean;
}

/** What counts as "us": settings read once per check (README "Configuration"). */
export interface OriginConfig {
  trustedProxyHops: number;
  /** EMBED_ALLOWED_ORIGINS as written (space-separated; `*` allows no one extra). */
  embedAllowedOrigins?: string;
}

function ownHosts(request: Request, config: OriginConfig): string[] {
  const hosts: (string | null | undefined)[] = [request.headers.get("host")];
  if (config.trustedProxyHops > 0) hosts.push(request.headers.get("x-forwarded-host")?.split(",")[0]);
  return hosts.filter((h): h is string => Boolean(h)).map((h) => h.trim().toLowerCase());
}

function embedOrigins(config: OriginConfig): string[] {
  return (config.embedAllowedOrigins ?? "")
    .split(/\s+/)
    .filter((o) => o && o !== "*" && o !== "'self'")
    .map((o) => o.replace(/\/+$/, "").toLowerCase());
}

export function isSameOrigin(request: Request, rule: OriginRule, config: OriginConfig): boolean {
  const origin = request.headers.get("origin");
  if (origin !== null) {
    let parsed: URL;
    try {
      parsed = new URL(origin);
    } catch {
      return false; // "null" (a sandboxed or opaque page) or garbage
    }
    if (ownHosts(request, config).includes(parsed.host.toLowerCase())) return true;
    return Boolean(rule.embed) && embedOrigins(config).includes(parsed.origin.toLowerCase());
  }
  const site = request.headers.get("sec-fetch-site");
  return site === null || site === "same-origin" || site === "none";
}

export function assertSameOrigin(request: Request, rule: OriginRule = {}): void {
  const e = env();
  if (!isSameOrigin(request, rule, { trustedProxyHops: e.TRUSTED_PROXY_HOPS, embedAllowedOrigins: e.EMBED_ALLOWED_ORIGINS })) {
    throw new AppError("forbidden:origin", "Cross-site requests are not accepted here.");
  }
}
