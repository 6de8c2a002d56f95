import type { Database } from "../db/types";

// The registered tools an operator can filter traces by (operator_tools()).
export interface ToolOption {
  name: string;
  description: string;
}

export async function operatorTools(db: Database): Promise<ToolOption[]> {
  return db.rpc("operator_tools");
}
