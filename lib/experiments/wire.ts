import { z } from "zod";
import { datasetName } from "../datasets/wire";

// The shapes of the experiments API (docs/architecture.md, "Datasets and experiments"). No server-only imports.

export const experimentBodySchema = z
  .object({
    dataset: datasetName,
    agent: z.string().regex(/^[a-z][a-z0-9_]{0,63}$/, "agent is an agent's key"),
    version: z.union([z.number().int().min(1), z.literal("draft")], { error: 'version is a saved version number or "draft"' }),
    evaluators: z.array(z.string().min(1).max(100)).max(20).default([]),
  })
  .strict();

export type ExperimentBody = z.input<typeof experimentBodySchema>;

export const experimentsQuerySchema = z.object({ dataset: datasetName.optional() });
