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
  const start = Date.parse("2026-11-29T10:00:00.000Z");
  const o = toolObservation({ parentId: "p", start, end: start + 12, name: "search_catalog", toolCallId: "c1", input: small, output: big });
  expect(o).toMatchObject({ kind: "tool", status: "ok", duration_ms: 12, payload_cap_bytes: 8192, truncated: true, arguments: small, error: null });
  const failed = toolObservation({ parentId: "p", start, end: start, name: "confirm_order", toolCallId: "c2", input: {}, error: "no yes" });
  expect(failed).toMatchObject({ status: "error", error: "no yes", result: null, truncated: false });
  // microseconds are kept (a tool that ran 0.0375 ms lasts 37 µs, not 0 ms)
  const quick = toolObservation({ parentId: "p", start: start + 0.25, end: start + 0.2875, name: "search_catalog", toolCallId: "c3", input: {} });
  expect([quick.started_at, quick.ended_at]).toEqual(["2026-11-29T10:00:00.000250Z", "2026-11-29T10:00:00.000287Z"]);
});
