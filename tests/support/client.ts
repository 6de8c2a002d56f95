import { randomUUID } from "node:crypto";
import { turnResultSchema, type TurnResult } from "@/lib/chat/wire";

// A visitor's HTTP client: keeps the visitor cookie like a browser would.

/** What POST /api/chat answers: the turn's own result type. */
export type ChatReply = TurnResult;

export class Visitor {
  cookie = "";
  constructor(public baseUrl: string) {}

  async request(path: string, init: RequestInit = {}): Promise<Response> {
    const headers = new Headers(init.headers);
    if (this.cookie) headers.set("cookie", this.cookie);
    const res = await fetch(this.baseUrl + path, { ...init, headers });
    const set = res.headers.get("set-cookie");
    if (set) this.cookie = set.split(";")[0];
    return res;
  }

  post(path: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
    return this.request(path, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  }

  async chat(body: Record<string, unknown>): Promise<ChatReply> {
    const res = await this.post("/api/chat", { clientMessageId: randomUUID(), ...body });
    const json = await res.json();
    if (!res.ok) throw new Error(`chat ${res.status}: ${JSON.stringify(json)}`);
    // every answer must keep the wire contract (lib/chat/wire.ts); extra keys (a voice reply's audio) pass through
    turnResultSchema.parse(json);
    return json as ChatReply;
  }
}

/** An operator's sign-in with a token (POST /api/operator/login), as the login page sends it. */
export function operatorLogin(baseUrl: string, token: string): Promise<Response> {
  return fetch(`${baseUrl}/api/operator/login`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ token }) });
}

/** The `name=value` of the cookie an answer sets (an operator's login cookie). */
export const cookieOf = (res: Response): string => res.headers.get("set-cookie")!.split(";")[0];
