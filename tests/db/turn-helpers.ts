import { randomUUID } from "node:crypto";
import type { Database } from "@/lib/db/types";

// Thin wrappers over the SQL functions, so tests read like the rules.

export interface Begun {
  status: string;
  new_session: boolean;
  reason: string | null;
  previous_session_id: string | null;
  session: { id: string; session_tag: string; agent_type: string; is_active: boolean; trace_id: string | null; model: { id: string; key: string } };
  user_message: { id: string; content: string };
  reply: { id: string; content: string } | null;
  history: { role: string; content: string }[];
  flows: Record<string, unknown>;
  action_source: Record<string, unknown> | null;
}

export function begin(db: Database, user: string, args: Record<string, unknown> = {}): Promise<Begun> {
  return db.rpc<Begun>("begin_turn", { p_user_id: user, p_message: "hello", ...args });
}

export function finish(db: Database, userMessageId: string, args: Record<string, unknown> = {}) {
  return db.rpc<{ status: string; reply: { id: string; content: string } }>("finish_turn", {
    p_user_message_id: userMessageId,
    p_content: "a reply",
    p_input_tokens: 10,
    p_output_tokens: 5,
    p_latency_ms: 7,
    ...args,
  });
}

export const visitor = () => `visitor-${randomUUID()}`;
