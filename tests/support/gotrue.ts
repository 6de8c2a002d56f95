import { createHmac, randomBytes, randomUUID } from "node:crypto";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";

// A local stand-in for Supabase Auth (GoTrue), speaking the part of its HTTP API that
// @supabase/ssr and supabase-js call: POST /auth/v1/token?grant_type=password|refresh_token,
// GET /auth/v1/user, POST /auth/v1/logout, with GoTrue's session, user and error shapes.
// Access tokens are HS256 JWTs; the stand-in decides which are expired or revoked.

export interface StandInUser {
  email: string;
  password: string;
  appMetadata: Record<string, unknown>;
}

export interface GoTrueStandIn {
  url: string;
  anonKey: string;
  calls: { method: string; path: string }[];
  /** Ends every session of this user now: its access tokens are expired and its refresh tokens refused. */
  expireSessions(email: string): void;
  close(): Promise<void>;
}

const jwtSecret = "gotrue-stand-in-secret";
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

function jwt(payload: Record<string, unknown>): string {
  const head = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}`;
  return `${head}.${createHmac("sha256", jwtSecret).update(head).digest("base64url")}`;
}

export async function startGoTrue(users: StandInUser[]): Promise<GoTrueStandIn> {
  const ids = new Map(users.map((u) => [u.email, randomUUID()]));
  const access = new Map<string, { email: string; expired: boolean }>();
  const refresh = new Map<string, { email: string; revoked: boolean }>();
  const calls: GoTrueStandIn["calls"] = [];
  const anonKey = jwt({ role: "anon", iss: "supabase-stand-in" });

  const userJson = (u: StandInUser) => ({
    id: ids.get(u.email),
    aud: "authenticated",
    role: "authenticated",
    email: u.email,
    email_confirmed_at: "2026-11-01T00:00:00Z",
    app_metadata: { provider: "email", providers: ["email"], ...u.appMetadata },
    user_metadata: {},
    identities: [],
    created_at: "2026-11-01T00:00:00Z",
    updated_at: "2026-11-01T00:00:00Z",
    is_anonymous: false,
  });

  const session = (u: StandInUser) => {
    const now = Math.floor(Date.now() / 1000);
    const sessionId = randomUUID();
    const accessToken = jwt({ sub: ids.get(u.email), email: u.email, role: "authenticated", aud: "authenticated", session_id: sessionId, iat: now, exp: now + 3600, app_metadata: userJson(u).app_metadata });
    const refreshToken = randomBytes(16).toString("hex");
    access.set(accessToken, { email: u.email, expired: false });
    refresh.set(refreshToken, { email: u.email, revoked: false });
    return { access_token: accessToken, token_type: "bearer", expires_in: 3600, expires_at: now + 3600, refresh_token: refreshToken, user: userJson(u) };
  };

  const server: Server = createServer(async (req, res) => {
    let raw = "";
    for await (const part of req) raw += part;
    const url = new URL(req.url ?? "/", "http://stand-in");
    calls.push({ method: req.method ?? "", path: `${url.pathname}${url.search}` });
    const send = (status: number, body?: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(body === undefined ? "" : JSON.stringify(body));
    };
    const fail = (status: number, code: string, msg: string) => send(status, { code: status, error_code: code, msg });
    if (req.headers.apikey !== anonKey) return fail(401, "no_api_key", "Invalid API key");
    const body = (raw ? JSON.parse(raw) : {}) as Record<string, string>;
    const bearer = /^Bearer (.+)$/.exec(req.headers.authorization ?? "")?.[1];

    if (req.method === "POST" && url.pathname === "/auth/v1/token" && url.searchParams.get("grant_type") === "password") {
      const u = users.find((x) => x.email === body.email && x.password === body.password);
      return u ? send(200, session(u)) : fail(400, "invalid_credentials", "Invalid login credentials");
    }
    if (req.method === "POST" && url.pathname === "/auth/v1/token" && url.searchParams.get("grant_type") === "refresh_token") {
      const r = refresh.get(body.refresh_token);
      if (!r || r.revoked) return fail(400, "refresh_token_not_found", "Invalid Refresh Token: Refresh Token Not Found");
      r.revoked = true;
      return send(200, session(users.find((x) => x.email === r.email)!));
    }
    if (req.method === "GET" && url.pathname === "/auth/v1/user") {
      const a = bearer ? access.get(bearer) : undefined;
      if (!a) return fail(403, "bad_jwt", "invalid JWT: unable to parse or verify signature");
      if (a.expired) return fail(403, "bad_jwt", "invalid JWT: unable to parse or verify signature, token has invalid claims: token is expired");
      return send(200, userJson(users.find((x) => x.email === a.email)!));
    }
    if (req.method === "POST" && url.pathname === "/auth/v1/logout") {
      const a = bearer ? access.get(bearer) : undefined;
      if (a) expire(a.email);
      return send(204);
    }
    return fail(404, "not_found", "Not found");
  });

  function expire(email: string) {
    for (const a of access.values()) if (a.email === email) a.expired = true;
    for (const r of refresh.values()) if (r.email === email) r.revoked = true;
  }

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    anonKey,
    calls,
    expireSessions: expire,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
