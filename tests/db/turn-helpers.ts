import { randomUUID } from "node:crypto";
import type { Database } from "@/lib/db/types";

// Thin wrappers over the SQL functions, so tests read like the rules.

export interface AgentJson {
  key: string;
  name: string;
  description: string;
  instructions: string;
  greeting: string | null;
  tools: string[];
  handoffs: string[];
  version: number;
  model_key: string | null;
}

export interface StoredMessage {
  id: string;
  session_id: string;
  role: string;
  content: string;
  metadata: Record<string, unknown>;
  reply_to: string | null;
}

export interface Begun {
  status: string;
  choice: "explicit" | "menu_pick" | "handoff" | "session" | "default";
  new_session: boolean;
  reason: string | null;
  previous_session_id: string | null;
  session: { id: string; session_tag: string; agent_type: string; is_active: boolean; trace_id: string | null; model: { id: string; key: string } };
  user_message: StoredMessage;
  reply: StoredMessage | null;
  history: { role: string; content: string }[];
  flows: Record<string, unknown>;
  action_source: Record<string, unknown> | null;
  agent: AgentJson;
  handoff_agents: AgentJson[];
}

export function begin(db: Database, user: string, args: Record<string, unknown> = {}): Promise<Begun> {
  return db.rpc("begin_turn", { p_user_id: user, p_message: "hello", ...args }) as Promise<unknown> as Promise<Begun>;
}

/** One step of a turn as the app reports it to finish_turn. */
export function step(kind: "generation" | "tool", fields: Record<string, unknown> = {}): Record<string, unknown> {
  const now = new Date().toISOString();
  return { id: randomUUID(), parent_id: null, kind, name: kind === "generation" ? "model" : "search_catalog", status: "ok", started_at: now, ended_at: now, duration_ms: 3, ...fields };
}

export interface Finished {
  status: string;
  new_session?: boolean;
  reply: StoredMessage;
  session: { id: string; agent_type: string; is_active: boolean; trace_id: string | null };
  handoff?: { from_session_id: string; from_reply: StoredMessage };
}

/** A model turn's end: one generation carrying the tokens (10 in, 5 out unless told), 7 ms. */
export function finish(db: Database, userMessageId: string, args: Record<string, unknown> = {}) {
  const input = (args.p_input_tokens as number | undefined) ?? 10;
  const output = (args.p_output_tokens as number | undefined) ?? 5;
  return db.rpc("finish_turn", {
    p_user_message_id: userMessageId,
    p_content: "a reply",
    p_latency_ms: 7,
    p_observations: [step("generation", { input_tokens: input, output_tokens: output })],
    ...args,
  }).then((r) => {
    // a turn finished without p_error must be stored; one with p_error records the failure (no reply to read)
    if (r.status === "error_recorded" && args.p_error == null) throw new Error("finish_turn recorded an error");
    return r as Extract<typeof r, { reply: unknown }>;
  });
}

export const visitor = () => `visitor-${randomUUID()}`;

/** A registered SQL function called with a test's own view of its result (a shape the test asserts on). */
export function rpcAs<T>(db: Database, fn: string, args?: Record<string, unknown>): Promise<T> {
  return (db.rpc as unknown as (name: string, a?: Record<string, unknown>) => Promise<T>)(fn, args);
}
