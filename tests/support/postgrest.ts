import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import pg from "pg";
import { namedCall } from "@/lib/db/types";

// A local stand-in for Supabase's PostgREST, speaking only its RPC protocol
// (POST /rest/v1/rpc/<fn> with named arguments as JSON) over a real Postgres,
// with PostgREST's error shape and its PTxxx → HTTP status mapping.

export interface PostgrestStandIn {
  url: string;
  calls: { fn: string; apikey: string | undefined }[];
  close(): Promise<void>;
}

export async function startPostgrest(databaseUrl: string): Promise<PostgrestStandIn> {
  const pool = new pg.Pool({ connectionString: databaseUrl, max: 5 });
  const calls: PostgrestStandIn["calls"] = [];
  const server: Server = createServer(async (req, res) => {
    const match = /^\/rest\/v1\/rpc\/([a-z_][a-z0-9_]*)$/.exec(req.url ?? "");
    let raw = "";
    for await (const part of req) raw += part;
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { "content-type": "application/json" });
      res.end(JSON.stringify(body));
    };
    if (req.method !== "POST" || !match) return send(404, { code: "PGRST202", message: "Could not find the function", details: null, hint: null });
    calls.push({ fn: match[1], apikey: req.headers.apikey as string | undefined });
    try {
      const { sql, params } = namedCall(match[1], JSON.parse(raw || "{}"));
      const result = await pool.query(sql, params);
      send(200, result.rows[0]?.result ?? null);
    } catch (error) {
      const e = error as { code?: string; message: string; detail?: string; hint?: string };
      const status = e.code?.startsWith("PT") ? Number(e.code.slice(2)) : e.code?.startsWith("22") || e.code?.startsWith("23") ? 400 : 500;
      send(status, { code: e.code, message: e.message, details: e.detail ?? null, hint: e.hint ?? null });
    }
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    calls,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end();
    },
  };
}
