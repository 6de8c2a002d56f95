// Shapes shared by the chat turn and the tools (a model's own: lib/models/types.ts). Shapes that cross HTTP live in the
// wire contract (wire.ts); the server-side ones live here.
import type { MessageRole } from "./wire";

export type { Button, ButtonAction } from "./wire";

export type Role = MessageRole;

export interface StoredMessage {
  id: string;
  seq: number;
  role: Role;
  content: string;
  metadata: Record<string, unknown>;
  createdAt: string;
}

export type { ChatModel, ModelInfo } from "../models/types";
