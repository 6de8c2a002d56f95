import type { Button } from "./types";

// Rows as the SQL functions return them (their schemas: lib/db/rpc/rows.ts), and their app-side shapes.

export type { MessageRow, SessionRow } from "../db/rpc/rows";

export function buttonsOf(metadata: Record<string, unknown> | null | undefined): Button[] {
  const buttons = metadata?.buttons;
  return Array.isArray(buttons) ? (buttons as Button[]) : [];
}

/** `retryable: false` for a reply whose turn changed state through a tool (no "Try again"); nothing otherwise. */
export function retryableOf(metadata: Record<string, unknown> | null | undefined): { retryable?: false } {
  return metadata?.changed_state === true ? { retryable: false } : {};
}
