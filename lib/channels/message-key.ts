import { createHash } from "node:crypto";

// A channel's own message id as the chat turn's clientMessageId (a uuid): a name-based
// uuid v5 (RFC 9562 §5.5) in a namespace of our own, so the same WhatsApp message id
// always names the same turn and begin_turn answers a redelivery once (R8).

const namespace = Buffer.from("5b0f3c7e9a2d4e61b8c47f1d2e3a9c05", "hex");

export function messageKey(channel: string, id: string): string {
  const hash = createHash("sha1").update(namespace).update(`${channel}:${id}`).digest();
  hash[6] = (hash[6] & 0x0f) | 0x50;
  hash[8] = (hash[8] & 0x3f) | 0x80;
  const hex = hash.subarray(0, 16).toString("hex");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}
