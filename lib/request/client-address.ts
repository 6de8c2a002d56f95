import { env } from "../env";

// The client's address for per-address limits (README "Configuration", TRUSTED_PROXY_HOPS).
// `next start` passes a client's own X-Forwarded-For through untouched, so by default
// (TRUSTED_PROXY_HOPS=0) only the socket's address counts: instrumentation.ts stamps it
// on every request under a header name chosen at random per process (peer-address.ts),
// which no client can send. Behind n trusted proxies, each appends the address it saw:
// the client is the entry n hops from the right.

export const peerHeaderKey = Symbol.for("threadline.peerHeader");

export function peerHeaderName(): string | undefined {
  return (globalThis as { [peerHeaderKey]?: string })[peerHeaderKey];
}

export function clientIp(request: Request): string | undefined {
  return clientAddress(request, env().TRUSTED_PROXY_HOPS, peerHeaderName());
}

/** The address `hops` proxies from the right of X-Forwarded-For, or (0) the stamped socket address. */
export function clientAddress(request: Request, hops: number, peerHeader: string | undefined): string | undefined {
  const socket = (peerHeader && request.headers.get(peerHeader)?.trim()) || undefined;
  if (hops === 0) return socket;
  const chain = (request.headers.get("x-forwarded-for") ?? "")
    .split(",")
    .map((a) => a.trim())
    .filter(Boolean);
  // fewer entries than proxies: the leftmost is the farthest address any trusted proxy wrote
  return (chain.length >= hops ? chain[chain.length - hops] : chain[0]) ?? socket;
}
