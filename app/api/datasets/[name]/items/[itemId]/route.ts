import { updateDatasetItem } from "@/lib/datasets/datasets";
import { datasetItemPatchSchema } from "@/lib/datasets/wire";
import { otherMethods } from "@/lib/http/methods";
import { datasetItemIdParam, datasetNameParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** Edits an item's expected answer or tool calls, or archives it (`{archived: true}`). */
export const PATCH = operatorRoute({
  surface: "dataset",
  params: { name: datasetNameParam, itemId: datasetItemIdParam },
  body: datasetItemPatchSchema,
  maxBytes: 256 * 1024,
  handler: async ({ db, params, body }) => updateDatasetItem(db, params.itemId, body),
});

export const { GET, HEAD, POST, PUT, DELETE } = otherMethods("PATCH");
