// offer_choices: the only way a reply gets buttons, so a real model can offer them too.
import { z } from "zod";
import type { ToolDefinition } from "./types";

export const MAX_CHOICES = 6;

const choice = z.object({
  label: z.string().trim().min(1).max(80),
  action: z.object({
    id: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "action.id: lower-case letters, digits and _"),
    payload: z.record(z.string().max(64), z.union([z.string().max(200), z.number(), z.boolean()])).optional(),
  }),
});

export const offerChoices: ToolDefinition<{ choices: z.infer<typeof choice>[] }> = {
  name: "offer_choices",
  description:
    `Show the visitor up to ${MAX_CHOICES} buttons under your reply. A pressed button comes back as the visitor's next message ` +
    'with its action: use a tool name as action id (e.g. {"id": "product_details", "payload": {"sku": "…"}}) so the next turn can call it.',
  input: z.object({ choices: z.array(choice).min(1).max(MAX_CHOICES) }),
  async execute({ choices }, run) {
    for (const c of choices) {
      if (run.buttons.length >= MAX_CHOICES) break;
      if (!run.buttons.some((b) => b.label === c.label)) run.buttons.push({ label: c.label, action: { id: c.action.id, ...(c.action.payload ? { payload: c.action.payload } : {}) } });
    }
    return { offered: run.buttons.map((b) => b.label) };
  },
};
