// POST /api/chat body: the chat wire contract's request (lib/chat/wire.ts, docs/architecture.md).
export { chatRequestSchema, type ChatRequest } from "@/lib/chat/wire";
