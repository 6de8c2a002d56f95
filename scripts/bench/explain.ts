import pg from "pg";
import { namedCall, type RpcArgs } from "../../lib/db/types";

// EXPLAIN (ANALYZE, BUFFERS) of what a SQL function really runs: the
// search is dynamic SQL inside plpgsql, so a plain EXPLAIN of the call shows
// nothing. auto_explain, loaded in this session only, logs the plan of every
// nested statement with its real parameters, and sends it to us as a notice.

export async function explainCall(url: string, fn: string, args: RpcArgs): Promise<string[]> {
  const client = new pg.Client({ connectionString: url });
  const plans: string[] = [];
  client.on("notice", (n) => {
    const text = String(n.message ?? "");
    // the top-level call itself is a one-line Result node: not interesting
    if (text.includes("Query Text:") && !/Query Text: select public\./.test(text)) plans.push(text);
  });
  await client.connect();
  try {
    for (const sql of [
      "load 'auto_explain'",
      "set auto_explain.log_min_duration = 0",
      "set auto_explain.log_analyze = on",
      "set auto_explain.log_buffers = on",
      "set auto_explain.log_timing = on",
      "set auto_explain.log_nested_statements = on",
      "set auto_explain.log_level = notice",
      "set client_min_messages = notice",
    ]) {
      await client.query(sql);
    }
    const { sql, params } = namedCall(fn, args);
    await client.query(sql, params);
  } finally {
    await client.end();
  }
  return plans;
}
