import type { Database } from "../db/types";

// The models an operator can filter traces by (operator_models()).
export interface ModelOption {
  key: string;
  name: string;
  provider: string;
  experimentName: string | null;
}

export async function operatorModels(db: Database): Promise<ModelOption[]> {
  const rows = await db.rpc("operator_models");
  return rows.map((m) => ({ key: m.key, name: m.name, provider: m.provider, experimentName: m.experiment_name }));
}
