import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { operatorSections } from "@/components/operator/OperatorShell";

// Every operator page shows the same navigation: the one list in components/operator/OperatorShell.tsx,
// drawn by the shell every operator page (and its "not found" page) renders. A page that drew its own
// navigation, or none, would show other entries (the dataset, experiment and comparison pages once
// lacked "Review").

const root = path.resolve(import.meta.dirname, "../../..");
/** The pages that are not the operator's: the demo shop, the sign-in, the widget's frame. */
const publicPages = new Set(["app/page.tsx", "app/login/page.tsx", "app/embed/page.tsx"]);

function pages(dir: string, names: RegExp): string[] {
  return readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = `${dir}/${e.name}`;
    if (e.isDirectory()) return rel === "app/api" ? [] : pages(rel, names);
    return names.test(e.name) ? [rel] : [];
  });
}

const operatorPages = pages("app", /^(page|not-found)\.tsx$/).filter((p) => !publicPages.has(p));

describe("the operator navigation", () => {
  it("has every section, Review among them, once each", () => {
    expect(operatorSections.map((s) => s.label)).toEqual(["Traces", "Visitors", "Review", "Dashboard", "Agents", "Datasets", "Experiments"]);
    expect(new Set(operatorSections.map((s) => s.href)).size).toBe(operatorSections.length);
  });

  it("is drawn by the one shell on every operator page, the dataset, experiment and comparison pages included", () => {
    expect(operatorPages).toEqual(expect.arrayContaining([
      "app/datasets/[name]/page.tsx", "app/experiments/[id]/page.tsx", "app/experiments/[id]/compare/[otherId]/page.tsx", "app/review/page.tsx",
    ]));
    const without = operatorPages.filter((p) => {
      const source = readFileSync(path.join(root, p), "utf8");
      return !source.includes('from "@/components/operator/OperatorShell"') || !/<OperatorShell active="[a-z]+">/.test(source);
    });
    expect(without).toEqual([]);
  });

  it("is nowhere else: no page or component draws an operator navigation of its own", () => {
    const sources = [...pages("app", /\.tsx$/), ...pages("components", /\.tsx$/)].filter((p) => p !== "components/operator/OperatorShell.tsx");
    const own = sources.filter((p) => /aria-label="Operator"|data-testid="operator-nav"/.test(readFileSync(path.join(root, p), "utf8")));
    expect(own).toEqual([]);
  });
});
