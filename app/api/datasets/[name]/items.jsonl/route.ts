import { datasetItems, importJsonl, toJsonl } from "@/lib/datasets/datasets";
import { readText } from "@/lib/http/body";
import { otherMethods } from "@/lib/http/methods";
import { datasetNameParam } from "@/lib/http/params";
import { operatorRoute } from "@/lib/http/route";

export const dynamic = "force-dynamic";

/** The items not archived as JSONL (what POST imports back). */
export const GET = operatorRoute({
  surface: "dataset",
  params: { name: datasetNameParam },
  handler: async ({ db, params }) =>
    new Response(toJsonl((await datasetItems(db, params.name)).items), {
      headers: { "Content-Type": "application/x-ndjson; charset=utf-8", "Content-Disposition": `attachment; filename="${params.name}.jsonl"` },
    }),
});

/** Imports JSONL (`{input: {messages}, expectedOutput?, expectedToolCalls?}` per line): all lines or none; a bad line is a 400 naming it. */
export const POST = operatorRoute({
  surface: "dataset",
  params: { name: datasetNameParam },
  handler: async ({ db, params, request }) =>
    Response.json(await importJsonl(db, params.name, await readText(request, 4 * 1024 * 1024, "dataset")), { status: 201 }),
});

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
