import type { MessageRow } from "../db/rpc/rows";
import type { Button, StoredMessage } from "./types";

// Rows as the SQL functions return them (their schemas: lib/db/rpc/rows.ts), and their app-side shapes.

export type { MessageRow, SessionRow } from "../db/rpc/rows";

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
