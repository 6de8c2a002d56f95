// The offline model as a judge (LLM-as-judge, lib/evaluators/judge.ts): when asked for a JSON
// object it grades from rules over the grading data the judge puts in its instructions, so the
// same reply always gets the same score and tests are repeatable. See docs/architecture.md, "Evaluators".

/** The line of a judge's instructions that carries the grading data as JSON. */
export const JUDGE_DATA_LABEL = "Grading data (JSON): ";

export interface JudgeData {
  reply: string;
  expected: string | null;
}

export interface JudgeAnswer {
  score: number;
  reasoning: string;
}

const words = (text: string) => new Set(text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? []);
const FAILED = /\b(sorry|something went wrong|try again|cannot help|can't help|don't know)\b/i;

/** Reads the grading data from a judge's instructions, or null when there is none. */
export function readJudgeData(system: string): JudgeData | null {
  const line = system.split("\n").find((l) => l.startsWith(JUDGE_DATA_LABEL));
  if (!line) return null;
  try {
    const data = JSON.parse(line.slice(JUDGE_DATA_LABEL.length)) as Partial<JudgeData>;
    return { reply: String(data.reply ?? ""), expected: typeof data.expected === "string" && data.expected.trim() ? data.expected : null };
  } catch {
    return null;
  }
}

/**
 * The rules: an empty reply scores 0; with an expected answer, the share of its words the reply
 * contains (two decimals); without one, 1 for an answer and 0.5 for an apology or a failure.
 */
export function judgeOffline(data: JudgeData | null): JudgeAnswer {
  if (!data || !data.reply.trim()) return { score: 0, reasoning: "The reply is empty." };
  if (data.expected) {
    const expected = words(data.expected);
    const reply = words(data.reply);
    const shared = [...expected].filter((w) => reply.has(w)).length;
    const score = expected.size === 0 ? 1 : Math.round((shared / expected.size) * 100) / 100;
    return { score, reasoning: `The reply contains ${shared} of the ${expected.size} words of the expected answer.` };
  }
  if (FAILED.test(data.reply)) return { score: 0.5, reasoning: "The reply apologises or reports a failure instead of answering." };
  return { score: 1, reasoning: "The reply answers the visitor." };
}
