import path from "node:path";
import protobuf from "protobufjs";

// Decodes an OTLP/HTTP protobuf body with the OFFICIAL definitions (tests/support/otlp-proto/, copied
// from opentelemetry-proto), keeping each AnyValue's wire type (intValue vs doubleValue).

const dir = path.join(import.meta.dirname, "otlp-proto");
let type: protobuf.Type | undefined;

async function requestType(): Promise<protobuf.Type> {
  if (type) return type;
  const root = new protobuf.Root();
  root.resolvePath = (_origin, target) => path.join(dir, target);
  await root.load("opentelemetry/proto/collector/trace/v1/trace_service.proto", { keepCase: false });
  type = root.lookupType("opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest");
  return type;
}

export type WireValue = { stringValue?: string; boolValue?: boolean; intValue?: string; doubleValue?: number; arrayValue?: { values?: WireValue[] } };

export interface WireSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: Record<string, WireValue>;
  links: { traceId: string; spanId: string }[];
  status: { code?: number; message?: string };
  events: { name: string; attributes: Record<string, WireValue> }[];
}

const hex = (b64: string | undefined) => (b64 ? Buffer.from(b64, "base64").toString("hex") : "");

export async function decodeSpans(body: Uint8Array): Promise<WireSpan[]> {
  const t = await requestType();
  const json = t.toObject(t.decode(body), { longs: String, bytes: String, defaults: false }) as {
    resourceSpans?: { scopeSpans?: { spans?: Record<string, unknown>[] }[] }[];
  };
  return (json.resourceSpans ?? []).flatMap((rs) => (rs.scopeSpans ?? []).flatMap((ss) => ss.spans ?? [])).map((s) => ({
    traceId: hex(s.traceId as string),
    spanId: hex(s.spanId as string),
    parentSpanId: hex(s.parentSpanId as string | undefined),
    name: String(s.name),
    startTimeUnixNano: String(s.startTimeUnixNano),
    endTimeUnixNano: String(s.endTimeUnixNano),
    attributes: Object.fromEntries(((s.attributes as { key: string; value: WireValue }[]) ?? []).map((a) => [a.key, a.value])),
    links: ((s.links as { traceId: string; spanId: string }[]) ?? []).map((l) => ({ traceId: hex(l.traceId), spanId: hex(l.spanId) })),
    status: (s.status as WireSpan["status"]) ?? {},
    events: ((s.events as { name: string; attributes?: { key: string; value: WireValue }[] }[]) ?? []).map((e) => ({
      name: e.name, attributes: Object.fromEntries((e.attributes ?? []).map((a) => [a.key, a.value])),
    })),
  }));
}
