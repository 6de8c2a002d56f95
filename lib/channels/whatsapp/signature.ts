import { createHmac, timingSafeEqual } from "node:crypto";

// Meta signs each webhook delivery: X-Hub-Signature-256 = "sha256=" + hex HMAC-SHA256 of the
// raw body with the app secret. Compared in constant time, over the bytes as received.

export function validSignature(rawBody: Uint8Array, header: string | null, appSecret: string): boolean {
  const match = /^sha256=([0-9a-fA-F]{64})$/.exec(header?.trim() ?? "");
  if (!match) return false;
  const expected = createHmac("sha256", appSecret).update(rawBody).digest();
  const given = Buffer.from(match[1], "hex");
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export function sign(rawBody: Uint8Array | string, appSecret: string): string {
  return `sha256=${createHmac("sha256", appSecret).update(rawBody).digest("hex")}`;
}
