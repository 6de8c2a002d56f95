import { z } from "zod";
import { withinJsonBounds } from "@/lib/http/json-bounds";

// POST /api/chat body (docs/architecture.md, "A chat turn (second release)"). Unknown keys are rejected.
// A button payload nests at most 8 levels and is at most 2000 characters of JSON.
const payload = z.record(z.string().max(64), z.unknown()).refine((p) => withinJsonBounds(p, 8, 2000), "payload is too large or too deeply nested");

export const chatRequestSchema = z
  .object({
    message: z.string().trim().min(1, "message must not be empty").max(4000, "message must be at most 4000 characters").optional(),
    sessionId: z.uuid("sessionId must be a uuid").optional(),
    // an agent key; whether it names an enabled agent is begin_turn's decision (400 bad_request:agent)
    agent: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "agent must be an agent key (lower-case letters, digits and _)").optional(),
    action: z.object({ id: z.string().min(1).max(64).regex(/^[a-z][a-z0-9_]*$/, "action.id is not a known action"), payload: payload.optional() }).strict().optional(),
    clientMessageId: z.uuid("clientMessageId must be a uuid").optional(),
    model: z.string().min(1).max(128).optional(),
    tracking: z.boolean().optional(),
  })
  .strict()
  .refine((b) => b.message !== undefined || b.action !== undefined || b.agent !== undefined, {
    message: "message is required unless an action or agent is given",
    path: ["message"],
  })
  // "Try again" names the agent reply to answer again (docs/architecture.md "Try again")
  .refine((b) => b.action?.id !== "regenerate" || (z.uuid().safeParse(b.action.payload?.messageId).success && b.message === undefined), {
    message: "the regenerate action needs payload.messageId (a uuid) and no message",
    path: ["action", "payload", "messageId"],
  });

export type ChatRequest = z.infer<typeof chatRequestSchema>;
