import { describe, expect, it } from "vitest";
import { csvCell } from "@/lib/traces/csv";

// One CSV cell of the trace export (lib/traces/csv.ts): RFC 4180 quoting, and no cell a
// spreadsheet could run as a formula.

describe("csvCell", () => {
  it.each([
    ["=1+2", `"'=1+2"`],
    ["+1", `"'+1"`],
    ["-1", `"'-1"`],
    ["@SUM(A1)", `"'@SUM(A1)"`],
    ["\t=1", `"\t'=1"`], // a tab-separated import splits at the tab: the next piece starts with '
    ["\r=1", `"\r'=1"`],
    ["  =1", `"  '=1"`], // spaces before the trigger are kept, the trigger still defused
    ["a;=1", `"a;'=1"`],
    ["line 1\n=cmd|' /C calc'!A0", `"line 1\n'=cmd|' /C calc'!A0"`],
  ])("defuses a formula: %j → %s", (value, cell) => {
    expect(csvCell(value)).toBe(cell);
  });

  it("doubles quotes inside a quoted cell", () => {
    expect(csvCell('say "hi"')).toBe('"say ""hi"""');
    expect(csvCell('"')).toBe('""""');
  });

  it("keeps commas and line breaks inside the one quoted cell", () => {
    expect(csvCell("a,b")).toBe('"a,b"');
    expect(csvCell("first\nsecond\r\nthird")).toBe('"first\nsecond\r\nthird"');
  });

  it("leaves text that starts no formula as it is, quoted", () => {
    expect(csvCell("a-b+c=d")).toBe('"a-b+c=d"');
    expect(csvCell("chat_model_3f2a9c_015")).toBe('"chat_model_3f2a9c_015"');
  });

  it("numbers stay bare (negative ones too), empty stays empty", () => {
    expect([csvCell(0), csvCell(-3), csvCell(1.5), csvCell(10n), csvCell(null), csvCell(undefined)]).toEqual(["0", "-3", "1.5", "10", "", ""]);
  });

  it("a list is one space-separated cell, a date its ISO text", () => {
    expect(csvCell(["search_catalog", "=evil"])).toBe(`"search_catalog =evil"`);
    expect(csvCell(["=evil", "x"])).toBe(`"'=evil x"`);
    expect(csvCell(new Date("2026-11-29T10:00:00Z"))).toBe('"2026-11-29T10:00:00.000Z"');
  });
});
