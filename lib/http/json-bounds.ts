// Bounds on a parsed JSON value, measured without recursion, so a hostile
// nesting depth cannot overflow the stack (docs/reliability.md, "Hostile input").

/** True when `value` nests at most `maxDepth` levels and its JSON text is at most `maxChars` long. */
export function withinJsonBounds(value: unknown, maxDepth: number, maxChars: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  let chars = 0;
  while (pending.length) {
    const [item, depth] = pending.pop()!;
    if (item !== null && typeof item === "object") {
      if (depth >= maxDepth) return false;
      const entries = Array.isArray(item) ? item.map((v) => ["", v] as const) : Object.entries(item);
      chars += 2 + Math.max(0, entries.length - 1);
      for (const [key, child] of entries) {
        if (!Array.isArray(item)) chars += JSON.stringify(key).length + 1;
        pending.push([child, depth + 1]);
      }
    } else {
      chars += JSON.stringify(item ?? null).length;
    }
    if (chars > maxChars) return false;
  }
  return true;
}
