import type { Database } from "../db/types";
import { gradeTrace, listEvaluators } from "../evaluators";

// How an experiment's reply is graded: by the evaluators (lib/evaluators), each writing a score with
// source `evaluator` on the replay's trace (docs/architecture.md, "Datasets and experiments").

export interface GradeInput {
  traceId: string;
  evaluator: string;
  expected?: { output?: string | null; toolCalls?: { name: string; args?: unknown }[] | null };
}

export interface Grade {
  scoreId: string;
  name: string;
  value: number | string | boolean;
  comment: string | null;
}

export interface Grading {
  /** The evaluators' names. */
  names(db: Database): Promise<string[]>;
  grade(db: Database, input: GradeInput): Promise<Grade>;
}

export const grading: Grading = {
  names: async (db) => (await listEvaluators(db)).evaluators.map((e) => e.name),
  grade: (db, input) => gradeTrace(db, input),
};
