import { describe, expect, it } from "vitest";
import { floorTurn } from "@/lib/chat/floor";
import { turnResultSchema } from "@/lib/chat/wire";

// The bench's floor (lib/chat/floor.ts): the chat turn's tool loop on the offline model with the tools
// answered from the in-memory catalog, the same answers as the chat route, and no database at all.

const post = (accept: string) => new Request("http://localhost/api/bench/floor", { method: "POST", headers: { accept } });

describe("the bench's floor", () => {
  it("searches the in-memory catalog and answers the chat route's JSON, buttons included", async () => {
    const res = await floorTurn(post("application/json"), { message: "I need a light tent for backpacking" });
    expect(res.status).toBe(200);
    const result = turnResultSchema.parse(await res.json());
    expect(result.reply.content).toContain("Tent");
    expect(result.reply.buttons.map((b) => b.action.id)).toContain("product_details");
  });

  it("answers small talk without a tool call, and streams the same UI message chunks when asked", async () => {
    const res = await floorTurn(post("text/event-stream"), { message: "thanks!" });
    const text = await res.text();
    expect(text).toContain('"type":"text-delta"');
    expect(text).toContain('"type":"data-result"');
    expect(text).toContain('"type":"finish"');
  });
});
