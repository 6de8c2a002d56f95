import type { DatasetItemRow, DatasetRow } from "../db/rpc/datasets";
import type { Database } from "../db/types";
import { AppError } from "../errors";
import { datasetItemInputSchema, type DatasetBody, type DatasetItemBody, type DatasetItemInput, type DatasetItemPatch } from "./wire";

// Datasets (docs/architecture.md, "Datasets and experiments"): named sets of conversations kept as
// test cases. What an item holds and where it came from is decided in SQL (17_datasets_and_experiments.sql).

export function datasetView(d: DatasetRow) {
  return { id: d.id, name: d.name, description: d.description, createdBy: d.created_by, createdAt: d.created_at, items: d.items };
}

export function datasetItemView(i: DatasetItemRow) {
  return {
    id: i.id,
    input: { messages: i.messages, flows: i.flows, agent: i.agent_key, agentVersion: i.agent_version },
    expectedOutput: i.expected_output,
    expectedToolCalls: i.expected_tool_calls,
    sourceTraceId: i.source_trace_id,
    sourceMessageId: i.source_message_id,
    archived: i.archived,
    createdAt: i.created_at,
    updatedAt: i.updated_at,
  };
}

export type DatasetView = ReturnType<typeof datasetView>;
export type DatasetItemView = ReturnType<typeof datasetItemView>;

export async function createDataset(db: Database, body: DatasetBody, author: string | null): Promise<DatasetView> {
  return datasetView(await db.rpc("create_dataset", { p_name: body.name, p_description: body.description ?? null, p_author: author }));
}

export async function listDatasets(db: Database): Promise<{ datasets: DatasetView[] }> {
  return { datasets: (await db.rpc("list_datasets", {})).datasets.map(datasetView) };
}

export async function datasetItems(db: Database, name: string, archived = false) {
  const r = await db.rpc("dataset_items", { p_dataset: name, p_archived: archived });
  return { dataset: datasetView(r.dataset), items: r.items.map(datasetItemView) };
}

function itemArgs(item: DatasetItemInput) {
  return {
    messages: item.input.messages,
    expected_output: item.expectedOutput ?? null,
    expected_tool_calls: item.expectedToolCalls ?? null,
  };
}

export async function addDatasetItem(db: Database, name: string, body: DatasetItemBody): Promise<DatasetItemView> {
  if ("traceId" in body) {
    return datasetItemView(
      await db.rpc("add_dataset_item_from_trace", {
        p_dataset: name, p_trace_id: body.traceId, p_message_id: body.messageId,
        p_expected_output: body.expectedOutput ?? null, p_expected_tool_calls: body.expectedToolCalls ?? null,
      }),
    );
  }
  const r = await db.rpc("add_dataset_items", { p_dataset: name, p_items: [itemArgs(body)] });
  return datasetItemView(r.items[0]);
}

export async function updateDatasetItem(db: Database, itemId: string, patch: DatasetItemPatch): Promise<DatasetItemView> {
  const changes: Record<string, unknown> = {};
  if (patch.expectedOutput !== undefined) changes.expected_output = patch.expectedOutput;
  if (patch.expectedToolCalls !== undefined) changes.expected_tool_calls = patch.expectedToolCalls;
  if (patch.archived !== undefined) changes.archived = patch.archived;
  return datasetItemView(await db.rpc("update_dataset_item", { p_item_id: itemId, p_changes: changes }));
}

/** The items as JSONL: one `{input: {messages}, expectedOutput, expectedToolCalls}` per line (what an import reads back). */
export function toJsonl(items: readonly DatasetItemView[]): string {
  return items
    .map((i) => JSON.stringify({ input: { messages: i.input.messages }, expectedOutput: i.expectedOutput, expectedToolCalls: i.expectedToolCalls }))
    .map((line) => `${line}\n`)
    .join("");
}

/** Parses a JSONL import: each non-blank line one item; the first bad line is a 400 naming it. */
export function parseJsonl(text: string): DatasetItemInput[] {
  const items: DatasetItemInput[] = [];
  const lines = text.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (!line.trim()) continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch {
      throw new AppError("bad_request:dataset", `Line ${i + 1} is not JSON.`);
    }
    const parsed = datasetItemInputSchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new AppError("bad_request:dataset", `Line ${i + 1}: ${issue.path.join(".") || "item"}: ${issue.message}`);
    }
    items.push(parsed.data);
  }
  if (items.length === 0) throw new AppError("bad_request:dataset", "The file has no items (one JSON object per line).");
  if (items.length > 1000) throw new AppError("bad_request:dataset", "At most 1000 items per import.");
  return items;
}

/** Imports JSONL into a dataset, all lines or none. */
export async function importJsonl(db: Database, name: string, text: string): Promise<{ imported: number }> {
  const items = parseJsonl(text);
  const r = await db.rpc("add_dataset_items", { p_dataset: name, p_items: items.map(itemArgs) });
  return { imported: r.items.length };
}
