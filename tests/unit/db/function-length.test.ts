import { readdirSync, readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";

// docs/architecture.md, "SQL functions": no SQL function in supabase/schemas/ is longer than 60 lines,
// counted from its `CREATE FUNCTION` line to the line that closes its body (`$$;`). A longer one is
// split into named private.* steps.
const MAX_LINES = 60;

// Being split on their own branches (issue 26): remove each entry once its branch is merged.
const BEING_SPLIT = new Set<string>([
]);

export function functionLengths(sql: string): { name: string; lines: number }[] {
  const lines = sql.split("\n");
  const found: { name: string; lines: number }[] = [];
  for (let i = 0; i < lines.length; i++) {
    const head = /^\s*create\s+(?:or\s+replace\s+)?function\s+([\w."]+)\s*\(/i.exec(lines[i]);
    if (!head) continue;
    // the body's dollar quote opens after AS and closes with the same tag
    let j = i;
    let open: RegExpExecArray | null = null;
    for (; j < lines.length && !(open = /\bas\s+(\$\w*\$)/i.exec(lines[j])); j++);
    if (!open) throw new Error(`no body after line ${i + 1}: ${lines[i]}`);
    const tag = open[1];
    if (!lines[j].slice(open.index + open[0].length).includes(tag)) {
      do j++; while (j < lines.length && !lines[j].includes(tag));
    }
    found.push({ name: head[1].replaceAll('"', ""), lines: j - i + 1 });
    i = j;
  }
  return found;
}

const schemasDir = path.join(process.cwd(), "supabase", "schemas");
const schemaFunctions = readdirSync(schemasDir).filter((f) => f.endsWith(".sql")).sort()
  .flatMap((file) => functionLengths(readFileSync(path.join(schemasDir, file), "utf8")).map((f) => ({ file, ...f })));

describe("SQL function length", () => {
  it("counts from CREATE to the line closing the body, whatever the quote tag", () => {
    const body = (n: number) => Array.from({ length: n }, (_, k) => `  select ${k};`).join("\n");
    const sql = [
      "-- a comment",
      "CREATE FUNCTION public.short() RETURNS void",
      "    LANGUAGE sql",
      "    AS $$",
      body(3),
      "$$;",
      "",
      "create or replace function private.long(p integer) returns void language plpgsql as $_$",
      body(60),
      "$_$;",
    ].join("\n");
    expect(functionLengths(sql)).toEqual([{ name: "public.short", lines: 7 }, { name: "private.long", lines: 62 }]);
  });

  it(`no function in supabase/schemas/ is over ${MAX_LINES} lines`, () => {
    expect(schemaFunctions.length).toBeGreaterThan(100);
    const long = schemaFunctions.filter((f) => f.lines > MAX_LINES && !BEING_SPLIT.has(f.name));
    expect(long.map((f) => `${f.file}: ${f.name} (${f.lines} lines)`)).toEqual([]);
  });
});
