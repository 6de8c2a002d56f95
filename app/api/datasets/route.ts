import { createDataset, listDatasets } from "@/lib/datasets/datasets";
import { datasetBodySchema } from "@/lib/datasets/wire";
import { otherMethods } from "@/lib/http/methods";
import { operatorRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Every dataset with its count of items (docs/architecture.md, "Datasets and experiments"). */
export const GET = operatorRoute({
  surface: "dataset",
  handler: async ({ db }) => listDatasets(db),
});

export const POST = operatorRoute({
  surface: "dataset",
  body: datasetBodySchema,
  maxBytes: 8 * 1024,
  handler: async ({ db, body, operator }) => Response.json(await createDataset(db, body, operator.author), { status: 201 }),
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
