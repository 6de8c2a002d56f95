import { z } from "zod";

// Why a visitor ends a session: by hand (`user`) or by starting a new chat in the widget (`new_chat`).
export const endSchema = z
  .object({ reason: z.enum(["user", "new_chat"], { error: "reason must be user or new_chat" }).default("user") })
  .strict();
