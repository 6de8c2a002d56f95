import "server-only";
import type { z } from "zod";
import { database } from "../db";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import { requireOperator, type OperatorIdentity } from "../operators/auth";
import { parseWith, readJson } from "./body";
import type { PathParam } from "./params";
import { searchParamsObject } from "./query";
import { handle } from "./respond";
import { assertSameOrigin, type OriginRule } from "./same-origin";
import { knownVisitor } from "./visitor";

// Routes declare what they need (docs/architecture.md, "Routes"): `operatorRoute`, `visitorRoute`
// and `publicRoute` run, in this order, the cross-site check (every method but GET/HEAD/OPTIONS),
// the operator check (401), path params (404), query and JSON body (400 `bad_request:<surface>`,
// 413, 415), then the handler; whatever it throws becomes a typed error response, and an
// operator's or a visitor's answer is never cached (`Cache-Control: no-store`).

type ParamSpec = Record<string, PathParam<unknown>>;
type Schema = z.ZodType | undefined;
type Parsed<S extends Schema> = S extends z.ZodType ? z.output<S> : undefined;

/** What Next.js passes a route handler besides the request. */
export interface RouteContext {
  params: Promise<Record<string, string | string[] | undefined>>;
}

type RouteHandler = (request: Request, context: RouteContext) => Promise<Response>;

interface Input<P extends ParamSpec, Q extends Schema, B extends Schema> {
  request: Request;
  params: { [K in keyof P]: P[K] extends PathParam<infer T> ? T : never };
  query: Parsed<Q>;
  body: Parsed<B>;
  /** The caller's X-Request-Id, for log lines. */
  requestId?: string;
}

interface RouteSpec<P extends ParamSpec, Q extends Schema, B extends Schema, Extra> {
  /** The `<surface>` of the route's `bad_request:<surface>` (and 413/415) errors; "request" when unnamed. */
  surface?: string;
  params?: P;
  /** Parsed from the URL's search params (lib/http/query.ts). */
  query?: Q;
  /** A JSON body (application/json) of at most `maxBytes`. */
  body?: B;
  maxBytes?: number;
  /** No Content-Type at all: the body schema parses `{}` (a bodiless POST). */
  bodyOptional?: boolean;
  /** The answer: a Response as it is (a stream, a file), anything else as JSON. */
  handler: (input: Input<P, Q, B> & Extra) => Promise<unknown>;
}

interface Kind<Extra> {
  origin: OriginRule | false;
  /** Before anything is parsed: the operator check (who the operator is). */
  authenticate?: (request: Request, db: Database) => Promise<OperatorIdentity>;
  /** After parsing, what the handler gets besides the input. */
  extra: (request: Request, db: () => Promise<Database>, operator?: OperatorIdentity) => Promise<Extra>;
  /** Force `no-store` (operator and visitor data), or only set it when the handler set no Cache-Control. */
  forceNoStore: boolean;
}

const safeMethods = new Set(["GET", "HEAD", "OPTIONS"]);

/** The database a route opens: the app's (lib/db), or one a test passes. */
type OpenDatabase = () => Promise<Database>;

function makeRoute<P extends ParamSpec, Q extends Schema, B extends Schema, Extra>(
  spec: RouteSpec<P, Q, B, Extra>,
  kind: Kind<Extra>,
  open: OpenDatabase,
): RouteHandler {
  return async (request, context) => {
    const response = await handle(async () => {
      if (kind.origin && !safeMethods.has(request.method)) assertSameOrigin(request, kind.origin);
      let opened: Promise<Database> | undefined;
      const db = () => (opened ??= open());
      const operator = kind.authenticate ? await kind.authenticate(request, await db()) : undefined;
      const params = await parseParams(spec.params, context);
      const surface = spec.surface ?? "request";
      const query = spec.query ? parseWith(spec.query, searchParamsObject(new URL(request.url), spec.query), surface) : undefined;
      const body = spec.body ? await parseBody(request, spec.body, surface, spec) : undefined;
      const extra = await kind.extra(request, db, operator);
      const input = { request, params, query, body, requestId: request.headers.get("x-request-id") ?? undefined } as Input<P, Q, B>;
      const answer = await spec.handler({ ...input, ...extra });
      return answer instanceof Response ? answer : Response.json(answer);
    });
    return noStore(response, kind.forceNoStore);
  };
}

async function parseParams<P extends ParamSpec>(spec: P | undefined, context: RouteContext | undefined): Promise<Input<P, undefined, undefined>["params"]> {
  const out: Record<string, unknown> = {};
  if (!spec) return out as Input<P, undefined, undefined>["params"];
  const raw = (await context?.params) ?? {};
  for (const [name, param] of Object.entries(spec)) {
    const parsed = param.schema.safeParse(raw[name]);
    if (!parsed.success) throw new AppError(param.notFound, param.message);
    out[name] = parsed.data;
  }
  return out as Input<P, undefined, undefined>["params"];
}

function parseBody(request: Request, schema: z.ZodType, surface: string, options: { bodyOptional?: boolean; maxBytes?: number }): Promise<unknown> {
  if (options.bodyOptional && !request.headers.has("content-type")) return Promise.resolve(parseWith(schema, {}, surface));
  return readJson(request, schema, surface, options.maxBytes);
}

function noStore(response: Response, force: boolean): Response {
  if (!force && response.headers.has("cache-control")) return response;
  try {
    response.headers.set("Cache-Control", "no-store");
    return response;
  } catch {
    // immutable headers (a fetched or redirect Response): the same answer with new headers
    const headers = new Headers(response.headers);
    headers.set("Cache-Control", "no-store");
    return new Response(response.body, { status: response.status, statusText: response.statusText, headers });
  }
}

interface OperatorExtra {
  db: Database;
  /** The signed-in operator (source `operator`) or the Bearer caller (source `api`). */
  operator: OperatorIdentity;
}

interface VisitorExtra {
  db: Database;
}

interface PublicExtra {
  /** Opens the app's database for a route that needs it (health must answer while it is down). */
  openDatabase: OpenDatabase;
}

interface KnownVisitorExtra extends VisitorExtra {
  /** The cookie's visitor, or null (a route serving only known visitors answers 404 through its SQL function). */
  visitor: string | null;
}

/**
 * The three kinds of route, opening `open` (the app's database; a test passes its own).
 * A route file uses the ones exported below.
 */
export function routeKinds(open: OpenDatabase) {
  /** Operators only: 401 `unauthorized:operator` before anything else is read. */
  function operatorRoute<P extends ParamSpec = ParamSpec, Q extends Schema = undefined, B extends Schema = undefined>(
    spec: RouteSpec<P, Q, B, OperatorExtra>,
  ): RouteHandler {
    return makeRoute(spec, { origin: {}, authenticate: requireOperator, extra: async (_r, db, operator) => ({ db: await db(), operator: operator! }), forceNoStore: true }, open);
  }

  /**
   * The chat widget's routes; the allowed embedding sites count as this site. With
   * `visitor: "known"` the handler gets the cookie's visitor (or null). A route that may start a
   * new visitor (the chat turn) has its own lib function decide when, after its own checks, so a
   * refused request counts no new visitor (lib/http/visitor.ts `visitorFor`).
   */
  function visitorRoute<P extends ParamSpec = ParamSpec, Q extends Schema = undefined, B extends Schema = undefined>(
    spec: RouteSpec<P, Q, B, KnownVisitorExtra> & { visitor: "known" },
  ): RouteHandler;
  function visitorRoute<P extends ParamSpec = ParamSpec, Q extends Schema = undefined, B extends Schema = undefined>(
    spec: RouteSpec<P, Q, B, VisitorExtra> & { visitor?: undefined; crossSite?: "allowed" },
  ): RouteHandler;
  function visitorRoute(spec: RouteSpec<ParamSpec, Schema, Schema, KnownVisitorExtra> & { visitor?: "known"; crossSite?: "allowed" }): RouteHandler {
    const extra = async (request: Request, db: () => Promise<Database>) => {
      const opened = await db();
      return spec.visitor === "known" ? { db: opened, visitor: await knownVisitor(request, opened) } : { db: opened, visitor: null };
    };
    return makeRoute(spec, { origin: spec.crossSite === "allowed" ? false : { embed: true }, extra, forceNoStore: true }, open);
  }

  /**
   * Everyone (login, health, the menu, a webhook): no identity; `no-store` unless the handler
   * sets its own Cache-Control. `crossSite: "allowed"` only for a caller that proves itself
   * another way (a signed webhook).
   */
  function publicRoute<P extends ParamSpec = ParamSpec, Q extends Schema = undefined, B extends Schema = undefined>(
    spec: RouteSpec<P, Q, B, PublicExtra> & { crossSite?: "allowed" },
  ): RouteHandler {
    return makeRoute(spec, { origin: spec.crossSite === "allowed" ? false : {}, extra: async () => ({ openDatabase: open }), forceNoStore: false }, open);
  }

  return { operatorRoute, visitorRoute, publicRoute };
}

export const { operatorRoute, visitorRoute, publicRoute } = routeKinds(database);
