import type { RpcResultOf } from "../db/registry";
import type { Database } from "../db/types";

// The registered tools an operator can filter traces by (operator_tools()).
export type ToolOption = RpcResultOf<"operator_tools">[number];

export async function operatorTools(db: Database): Promise<ToolOption[]> {
  return db.rpc("operator_tools");
}
