import { describe, expect, it } from "vitest";
import { formatTagRef, parseTagRef, parseVisitorFilter, visitorRef } from "@/lib/visitors/reference";

// The one writer and reader of "tag · v:ref" (the widget's badge, the explorer's search box).

describe("visitor references", () => {
  it("is the first 8 characters of the visitor id, written next to the tag", () => {
    expect(visitorRef("1a2b3c4d-0000-4000-8000-000000000000")).toBe("1a2b3c4d");
    expect(formatTagRef("chat_model_3f2a9c_003", "1a2b3c4d")).toBe("chat_model_3f2a9c_003 · v:1a2b3c4d");
  });

  it("reads back what the badge copies, and the forms it takes in an email or a chat", () => {
    const want = { sessionTag: "chat_model_3f2a9c_003", ref: "1a2b3c4d" };
    for (const text of ["chat_model_3f2a9c_003 · v:1a2b3c4d", "  chat_model_3f2a9c_003 v:1a2b3c4d ", "chat_model_3f2a9c_003, v:1a2b3c4d",
      "chat_model_3f2a9c_003 | v:1a2b3c4d", "CHAT_MODEL_3F2A9C_003·v:1a2b3c4d"]) {
      expect(parseTagRef(text), text).toEqual(want);
    }
    for (const text of ["chat_model_3f2a9c_003", "v:1a2b3c4d", "chat model v:1a2b", "", undefined, "chat_model_3f2a9c_003 · v:"]) {
      expect(parseTagRef(text), String(text)).toBeNull();
    }
  });

  it("a visitor filter is a whole id, or v:ref", () => {
    expect(parseVisitorFilter("v:1a2b3c4d")).toEqual({ ref: "1a2b3c4d" });
    expect(parseVisitorFilter(" 1a2b3c4d-0000 ")).toEqual({ userId: "1a2b3c4d-0000" });
    expect(parseVisitorFilter("  ")).toBeNull();
  });
});
