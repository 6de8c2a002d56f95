import { z } from "zod";

// The shapes of the datasets API (docs/architecture.md, "Datasets and experiments"): request bodies
// and one JSONL line, shared by the routes, the pages' forms and `npm run experiment`. No server-only imports.

export const datasetName = z.string().trim().regex(/^[a-z0-9][a-z0-9_.-]{0,63}$/, "name is lower-case letters, digits, _ . - (at most 64)");

export const datasetBodySchema = z.object({ name: datasetName, description: z.string().trim().max(2000).optional() }).strict();

export const conversationSchema = z
  .array(z.object({ role: z.enum(["user", "agent"]), content: z.string().min(1).max(20000) }).strict())
  .min(1)
  .max(200)
  .refine((m) => m[m.length - 1]?.role === "user", { message: "the last message must be the visitor's (role user)" });

export const toolCallsSchema = z.array(z.object({ name: z.string().min(1).max(100), args: z.unknown().optional() }).strict()).max(50);

const expectedOutput = z.string().max(20000);

/** An item given whole: the API's manual add and one line of a JSONL import. */
export const datasetItemInputSchema = z
  .object({
    input: z.object({ messages: conversationSchema }).strict(),
    expectedOutput: expectedOutput.nullish(),
    expectedToolCalls: toolCallsSchema.nullish(),
  })
  .strict();

export const datasetItemFromTraceSchema = z
  .object({ traceId: z.uuid(), messageId: z.uuid(), expectedOutput: expectedOutput.nullish(), expectedToolCalls: toolCallsSchema.nullish() })
  .strict();

export const datasetItemBodySchema = z.union([datasetItemFromTraceSchema, datasetItemInputSchema], {
  error: "send {traceId, messageId, expectedOutput?} or {input: {messages: [{role, content}]}, expectedOutput?}",
});

export const datasetItemPatchSchema = z
  .object({ expectedOutput: expectedOutput.nullable().optional(), expectedToolCalls: toolCallsSchema.nullable().optional(), archived: z.boolean().optional() })
  .strict()
  .refine((b) => Object.keys(b).length > 0, { message: "change at least one of expectedOutput, expectedToolCalls, archived" });

export const datasetItemsQuerySchema = z.object({
  format: z.enum(["json", "jsonl"]).optional(),
  archived: z.enum(["true", "false"]).optional(),
});

export type DatasetBody = z.infer<typeof datasetBodySchema>;
export type DatasetItemInput = z.infer<typeof datasetItemInputSchema>;
export type DatasetItemBody = z.infer<typeof datasetItemBodySchema>;
export type DatasetItemPatch = z.infer<typeof datasetItemPatchSchema>;
