import { randomBytes } from "node:crypto";
import http from "node:http";
import https from "node:https";
import type { IncomingMessage } from "node:http";
import { peerHeaderKey } from "./client-address";

// Next.js gives route handlers no socket address (it only fills X-Forwarded-For when the
// client sent none). Called once from instrumentation.ts: every incoming request gets the
// socket's address under a header name random to this process, overwriting nothing a
// client could have sent (lib/request/client-address.ts reads it).

export function stampPeerAddress(): void {
  const holder = globalThis as { [peerHeaderKey]?: string };
  if (holder[peerHeaderKey]) return;
  const name = `x-threadline-peer-${randomBytes(12).toString("hex")}`;
  for (const Server of [http.Server, https.Server]) {
    const emit = Server.prototype.emit;
    Server.prototype.emit = function (this: http.Server, event: string | symbol, ...args: [unknown, ...unknown[]]) {
      if (event === "request") {
        const request = args[0] as IncomingMessage;
        request.headers[name] = request.socket?.remoteAddress ?? "";
      }
      return emit.apply(this, [event, ...args] as Parameters<typeof emit>);
    } as typeof emit;
  }
  holder[peerHeaderKey] = name;
}
