import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import protobuf from "protobufjs";

// A local OTLP/HTTP trace receiver (the collector's stand-in): accepts
// ExportTraceServiceRequest as http/json and http/protobuf on 127.0.0.1, decodes
// both into one shape, and can go down (port closed) and come back on the same port.
// The protobuf schema is the subset of opentelemetry-proto's trace and common
// messages that the SDK writes (field numbers as in opentelemetry/proto/*/v1/*.proto).

const proto = `
syntax = "proto3";
package otlp;
message ExportTraceServiceRequest { repeated ResourceSpans resource_spans = 1; }
message ResourceSpans { Resource resource = 1; repeated ScopeSpans scope_spans = 2; string schema_url = 3; }
message Resource { repeated KeyValue attributes = 1; uint32 dropped_attributes_count = 2; }
message ScopeSpans { InstrumentationScope scope = 1; repeated Span spans = 2; string schema_url = 3; }
message InstrumentationScope { string name = 1; string version = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
message Span {
  bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; bytes parent_span_id = 4; fixed32 flags = 16;
  string name = 5; int32 kind = 6; fixed64 start_time_unix_nano = 7; fixed64 end_time_unix_nano = 8;
  repeated KeyValue attributes = 9; uint32 dropped_attributes_count = 10;
  repeated Event events = 11; uint32 dropped_events_count = 12; repeated Link links = 13; uint32 dropped_links_count = 14;
  Status status = 15;
  message Event { fixed64 time_unix_nano = 1; string name = 2; repeated KeyValue attributes = 3; uint32 dropped_attributes_count = 4; }
  message Link { bytes trace_id = 1; bytes span_id = 2; string trace_state = 3; repeated KeyValue attributes = 4; uint32 dropped_attributes_count = 5; fixed32 flags = 6; }
}
message Status { string message = 2; int32 code = 3; }
message KeyValue { string key = 1; AnyValue value = 2; }
message AnyValue {
  oneof value { string string_value = 1; bool bool_value = 2; int64 int_value = 3; double double_value = 4;
                ArrayValue array_value = 5; KeyValueList kvlist_value = 6; bytes bytes_value = 7; }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
`;
const requestType = protobuf.parse(proto, { keepCase: false }).root.lookupType("otlp.ExportTraceServiceRequest");

export type AttributeValue = string | number | boolean | AttributeValue[];

export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startNanos: bigint;
  endNanos: bigint;
  attributes: Record<string, AttributeValue>;
  events: { name: string; attributes: Record<string, AttributeValue> }[];
  status: { code: number; message: string };
  resource: Record<string, AttributeValue>;
  scope: string;
}

export interface ReceivedRequest {
  path: string;
  contentType: string;
  headers: IncomingMessage["headers"];
  /** The body as JSON (the protobuf one decoded to the same OTLP/JSON mapping). */
  json: unknown;
  /** The body as received (decode it with the official definitions: tests/support/otlp-proto.ts). */
  raw: Buffer;
  spans: ReceivedSpan[];
}

type AnyValue = Record<string, unknown>;

function value(v: AnyValue | undefined): AttributeValue {
  if (!v) return "";
  if ("stringValue" in v) return String(v.stringValue);
  if ("boolValue" in v) return Boolean(v.boolValue);
  if ("intValue" in v) return Number(v.intValue);
  if ("doubleValue" in v) return Number(v.doubleValue);
  if ("arrayValue" in v) return (((v.arrayValue as { values?: AnyValue[] }).values ?? []) as AnyValue[]).map(value);
  return JSON.stringify(v);
}

const attrs = (list: { key: string; value?: AnyValue }[] | undefined) =>
  Object.fromEntries((list ?? []).map((kv) => [kv.key, value(kv.value)]));

// OTLP/JSON carries ids as hex; protobufjs's toObject gives base64 bytes
const hexId = (id: unknown, binary: boolean) => (!id ? "" : binary ? Buffer.from(String(id), "base64").toString("hex") : String(id));

function flatten(json: unknown, binary: boolean): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of (json as { resourceSpans?: Record<string, unknown>[] }).resourceSpans ?? []) {
    const resource = attrs((rs.resource as { attributes?: [] } | undefined)?.attributes);
    for (const ss of (rs.scopeSpans as Record<string, unknown>[] | undefined) ?? []) {
      const scope = String((ss.scope as { name?: string } | undefined)?.name ?? "");
      for (const s of (ss.spans as Record<string, unknown>[] | undefined) ?? []) {
        out.push({
          traceId: hexId(s.traceId, binary),
          spanId: hexId(s.spanId, binary),
          parentSpanId: hexId(s.parentSpanId, binary),
          name: String(s.name),
          kind: Number(s.kind ?? 0),
          startNanos: BigInt(String(s.startTimeUnixNano ?? 0)),
          endNanos: BigInt(String(s.endTimeUnixNano ?? 0)),
          attributes: attrs(s.attributes as []),
          events: ((s.events as { name: string; attributes?: [] }[] | undefined) ?? []).map((e) => ({ name: e.name, attributes: attrs(e.attributes) })),
          status: { code: Number((s.status as { code?: number } | undefined)?.code ?? 0), message: String((s.status as { message?: string } | undefined)?.message ?? "") },
          resource,
          scope,
        });
      }
    }
  }
  return out;
}

export interface OtlpReceiver {
  url: string;
  requests: ReceivedRequest[];
  spans(): ReceivedSpan[];
  /** Answer this status to the next requests instead of 200 (null: 200 again). */
  failWith(status: number | null): void;
  stop(): Promise<void>;
  start(): Promise<void>;
}

export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const requests: ReceivedRequest[] = [];
  let failing: number | null = null;
  let port = 0;
  let server: Server | undefined;

  const handler = (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const contentType = String(req.headers["content-type"] ?? "");
      if (req.method !== "POST" || !req.url?.endsWith("/v1/traces")) {
        res.writeHead(404).end();
        return;
      }
      if (failing !== null) {
        res.writeHead(failing, { "content-type": "application/json" }).end("{}");
        return;
      }
      const binary = contentType.startsWith("application/x-protobuf");
      const json = binary
        ? requestType.toObject(requestType.decode(body), { longs: String, bytes: String, defaults: false })
        : JSON.parse(body.toString("utf8"));
      requests.push({ path: req.url, contentType, headers: req.headers, json, raw: body, spans: flatten(json, binary) });
      if (binary) res.writeHead(200, { "content-type": "application/x-protobuf" }).end(Buffer.alloc(0));
      else res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  };

  async function start() {
    server = createServer(handler);
    await new Promise<void>((resolve) => server!.listen(port, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
  }
  await start();

  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    spans: () => requests.flatMap((r) => r.spans),
    failWith: (status) => {
      failing = status;
    },
    start,
    async stop() {
      const s = server;
      server = undefined;
      if (!s) return;
      s.closeAllConnections();
      await new Promise<void>((resolve) => s.close(() => resolve()));
    },
  };
}

/**
 * The app's environment for exporting every turn to `receiver` as the HTTP tests check it: protobuf with
 * the conversation's content, masked (PII_MASKING=export), the outbox polled every 100 ms.
 */
export function maskedExportEnv(receiver: OtlpReceiver): Record<string, string> {
  return {
    PII_MASKING: "export",
    OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${receiver.url}/v1/traces`,
    // the bundled app speaks protobuf here; tests/db/otlp-export.test.ts covers both protocols
    OTEL_EXPORTER_OTLP_PROTOCOL: "http/protobuf",
    OTEL_GENAI_CAPTURE_CONTENT: "true",
    OTLP_OUTBOX_POLL_MS: "100",
  };
}
