import type { Button, StoredMessage } from "./types";

// Rows as the SQL functions return them (jsonb), and their app-side shapes.

export interface MessageRow {
  id: string;
  seq: number;
  session_id: string;
  role: "user" | "agent" | "system";
  content: string;
  metadata: Record<string, unknown> | null;
  client_message_id: string | null;
  reply_to: string | null;
  is_partial: boolean;
  created_at: string;
  audio_url?: string | null;
  vote?: "up" | "down" | null;
  /** "Try again" replaced this reply (docs/architecture.md "Try again"); the trace detail shows it. */
  superseded_at?: string | null;
  superseded_by?: string | null;
}

export interface SessionRow {
  id: string;
  user_id: string;
  channel: string;
  agent_type: string;
  session_tag: string;
  is_active: boolean;
  tracking_enabled: boolean;
  started_at: string;
  last_activity_at: string;
  ended_at: string | null;
  end_reason: string | null;
  duration_seconds: number | null;
  model: { id: string; key: string; name: string; provider: "offline" | "openai_compatible" };
  trace_id: string | null;
}

export function toStoredMessage(row: MessageRow): StoredMessage {
  return {
    id: row.id,
    seq: Number(row.seq),
    role: row.role,
    content: row.content,
    metadata: row.metadata ?? {},
    createdAt: row.created_at,
  };
}

export function buttonsOf(metadata: Record<string, unknown> | null | undefined): Button[] {
  const buttons = metadata?.buttons;
  return Array.isArray(buttons) ? (buttons as Button[]) : [];
}
