import { describe, expect, it } from "vitest";
import { backends, databaseFor } from "../support/databases";
import { begin, finish, visitor } from "./turn-helpers";

// The model's context begin_turn returns (docs/performance.md, "The turn-cost change"): who said
// what, the newest messages first bounded by count and by size, nothing the agents do not read.

describe.each(backends)("the model's context on $name", ({ open }) => {
  const t = databaseFor(open);

  it("holds each message's id, seq, role and words, not its metadata (buttons, tool outputs)", async () => {
    const u = visitor();
    const a = await begin(t.db, u, { p_message: "a tent for two" });
    await finish(t.db, a.user_message.id, {
      p_content: "Here are two tents.",
      p_metadata: { buttons: [{ label: "Compare", action: { id: "compare" } }], tools: ["search_catalog"], products: [{ sku: "T-2" }] },
    });
    const b = await begin(t.db, u, { p_message: "the lighter one" });
    expect(b.history).toEqual([
      { id: a.user_message.id, seq: expect.any(Number), role: "user", content: "a tent for two" },
      { id: expect.any(String), seq: expect.any(Number), role: "agent", content: "Here are two tents." },
      { id: b.user_message.id, seq: expect.any(Number), role: "user", content: "the lighter one" },
    ]);
  });

  it("keeps the newest messages within about 6,000 tokens of text (24,000 characters), the newest always", async () => {
    const u = visitor();
    let last = await begin(t.db, u, { p_message: "a".repeat(10_000) });
    for (const letter of ["b", "c", "d"]) last = await begin(t.db, u, { p_message: letter.repeat(10_000) });
    // newest first: d (0 before it), c (10,000), b (20,000) fit; a has 30,000 newer characters
    expect(last.history.map((m) => m.content[0])).toEqual(["b", "c", "d"]);
    const huge = await begin(t.db, u, { p_message: "e".repeat(30_000) });
    expect(huge.history.map((m) => m.content[0])).toEqual(["e"]);
    const limited = await begin(t.db, u, { p_message: "f", p_history_limit: 2 });
    expect(limited.history.map((m) => m.content[0])).toEqual(["e", "f"]);
  });
});
