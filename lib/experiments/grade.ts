import type { Database } from "../db/types";
import { AppError } from "../errors";

// How an experiment's reply is graded: by evaluators, each writing a score with source `evaluator`
// on the replay's trace (docs/architecture.md, "Datasets and experiments").

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

/** No evaluator registry in this build: an experiment names none. */
export const grading: Grading = {
  names: async () => [],
  grade: async (_db, input) => {
    throw new AppError("bad_request:experiment", `No evaluator named ${input.evaluator}.`);
  },
};
