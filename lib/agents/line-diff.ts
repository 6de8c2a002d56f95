// A line diff (longest common subsequence) for the Agents page's version history: what each
// version changed against the one before it. Pure; agent texts are at most a few hundred lines.

export interface DiffLine {
  kind: "same" | "added" | "removed";
  text: string;
}

export function lineDiff(before: string, after: string): DiffLine[] {
  const a = before.split("\n");
  const b = after.split("\n");
  // lcs[i][j]: the longest common subsequence of a[i..] and b[j..]
  const lcs = Array.from({ length: a.length + 1 }, () => new Array<number>(b.length + 1).fill(0));
  for (let i = a.length - 1; i >= 0; i--) {
    for (let j = b.length - 1; j >= 0; j--) {
      lcs[i][j] = a[i] === b[j] ? lcs[i + 1][j + 1] + 1 : Math.max(lcs[i + 1][j], lcs[i][j + 1]);
    }
  }
  const out: DiffLine[] = [];
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    if (a[i] === b[j]) {
      out.push({ kind: "same", text: a[i++] });
      j++;
    } else if (lcs[i + 1][j] >= lcs[i][j + 1]) {
      out.push({ kind: "removed", text: a[i++] });
    } else {
      out.push({ kind: "added", text: b[j++] });
    }
  }
  while (i < a.length) out.push({ kind: "removed", text: a[i++] });
  while (j < b.length) out.push({ kind: "added", text: b[j++] });
  return out;
}

/** What a version says, as lines to diff: each field on its own line, the instructions last. */
export function versionText(v: {
  name: string; description: string; greeting: string | null; modelKey: string | null;
  tools: readonly string[]; handoffs: readonly string[]; instructions: string;
}): string {
  return [
    `name: ${v.name}`,
    `description: ${v.description}`,
    `model: ${v.modelKey ?? "(the default)"}`,
    `tools: ${v.tools.join(", ") || "(none)"}`,
    `handoffs: ${v.handoffs.join(", ") || "(none)"}`,
    `greeting: ${v.greeting ?? "(none)"}`,
    "instructions:",
    ...v.instructions.split(/\r?\n/),
  ].join("\n");
}
