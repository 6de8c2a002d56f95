import { addDatasetItem, datasetItems, toJsonl } from "@/lib/datasets/datasets";
import { datasetItemBodySchema, datasetItemsQuerySchema } from "@/lib/datasets/wire";
import { otherMethods } from "@/lib/http/methods";
import { datasetNameParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** A dataset's items `{dataset, items}`; `?format=jsonl` exports them, one per line. */
export const GET = operatorRoute({
  surface: "dataset",
  params: { name: datasetNameParam },
  query: datasetItemsQuerySchema,
  handler: async ({ db, params, query }) => {
    const r = await datasetItems(db, params.name, query.archived === "true");
    if (query.format !== "jsonl") return r;
    return new Response(toJsonl(r.items), {
      headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Content-Disposition": `attachment; filename="${params.name}.jsonl"` },
    });
  },
});

/** An item from a trace and one of its visitor's messages, or given whole. */
export const POST = operatorRoute({
  surface: "dataset",
  params: { name: datasetNameParam },
  body: datasetItemBodySchema,
  maxBytes: 1024 * 1024,
  handler: async ({ db, params, body }) => Response.json(await addDatasetItem(db, params.name, body), { status: 201 }),
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
