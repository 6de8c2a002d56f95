import { expect, it } from "vitest";
import { capPayload, PAYLOAD_CAP_BYTES, toolObservation } from "../../../lib/chat/observations";

it("tool arguments and results are capped at 8 KB each, the cap and the cut recorded", () => {
  const small = { sku: "TRL-LAMP" };
  expect(capPayload(small)).toEqual({ value: small, truncated: false });
  const big = { products: Array.from({ length: 400 }, (_, i) => ({ sku: `SKU-${i}`, description: "é".repeat(20) })) };
  const cut = capPayload(big);
  expect(cut.truncated).toBe(true);
  expect(typeof cut.value).toBe("string");
  expect(Buffer.byteLength(cut.value as string)).toBeLessThanOrEqual(PAYLOAD_CAP_BYTES);
  const start = new Date("2026-11-29T10:00:00.000Z");
  const o = toolObservation({ parentId: "p", start, end: new Date(start.getTime() + 12), name: "search_catalog", toolCallId: "c1", input: small, output: big });
  expect(o).toMatchObject({ kind: "tool", status: "ok", duration_ms: 12, payload_cap_bytes: 8192, truncated: true, arguments: small, error: null });
  const failed = toolObservation({ parentId: "p", start, end: start, name: "confirm_order", toolCallId: "c2", input: {}, error: "no yes" });
  expect(failed).toMatchObject({ status: "error", error: "no yes", result: null, truncated: false });
});
