import type { ReadableSpan } from "@opentelemetry/sdk-trace-base";
import { OTLPExporterBase } from "@opentelemetry/otlp-exporter-base";
import { convertLegacyHttpOptions, createOtlpHttpExportDelegate } from "@opentelemetry/otlp-exporter-base/node-http";
import { JsonTraceSerializer, ProtobufTraceSerializer, TraceExporterMetricsHelper, type ISerializer } from "@opentelemetry/otlp-transformer";
import { doubleAttributes } from "./attributes";

// The GenAI conventions type some attributes as doubles (time_to_first_chunk, cost, a score), but the
// SDK's serializers send any whole number as int_value (a cost of 0 became intValue 0). These exporters
// are the official OTLP/HTTP ones with the official serializers, then rewrite exactly those attributes'
// int_value to double_value: in the JSON, and in the protobuf along the path
// ExportTraceServiceRequest.resource_spans(1).scope_spans(2).spans(2).attributes(9) | events(11).attributes(3)
// → KeyValue.value(2) → AnyValue.int_value(3) ⇒ double_value(4). Every other byte is copied as it is.

type Bytes = Uint8Array;

function readVarint(buf: Bytes, at: number): [bigint, number] {
  let value = 0n;
  for (let shift = 0n; ; shift += 7n) {
    const b = buf[at++];
    value |= BigInt(b & 0x7f) << shift;
    if (b < 0x80) return [value, at];
  }
}

function varint(value: bigint): number[] {
  const out: number[] = [];
  let v = BigInt.asUintN(64, value);
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80);
    v >>= 7n;
  }
  out.push(Number(v));
  return out;
}

interface Field {
  no: number;
  raw: Bytes;
  body?: Bytes;
  value?: bigint;
}

function fields(buf: Bytes): Field[] {
  const out: Field[] = [];
  for (let at = 0; at < buf.length; ) {
    const start = at;
    const [tag, next] = readVarint(buf, at);
    at = next;
    const no = Number(tag >> 3n);
    const type = Number(tag & 7n);
    let body: Bytes | undefined;
    let value: bigint | undefined;
    if (type === 0) [value, at] = readVarint(buf, at);
    else if (type === 1) at += 8;
    else if (type === 5) at += 4;
    else if (type === 2) {
      const [length, from] = readVarint(buf, at);
      body = buf.subarray(from, from + Number(length));
      at = from + Number(length);
    } else throw new Error(`unexpected protobuf wire type ${type}`);
    out.push({ no, raw: buf.subarray(start, at), body, value });
  }
  return out;
}

const message = (no: number, body: Bytes): Bytes => Uint8Array.from([...varint(BigInt((no << 3) | 2)), ...varint(BigInt(body.length)), ...body]);
const concat = (parts: Bytes[]) => Uint8Array.from(parts.flatMap((p) => [...p]));

/** Rewrites the length-delimited fields `path` names (field number → rewrite of its body). */
const nested = (path: Record<number, (b: Bytes) => Bytes>) => (buf: Bytes): Bytes =>
  concat(fields(buf).map((f) => (f.body && path[f.no] ? message(f.no, path[f.no](f.body)) : f.raw)));

function keyValue(buf: Bytes): Bytes {
  const fs = fields(buf);
  const key = new TextDecoder().decode(fs.find((f) => f.no === 1)?.body ?? new Uint8Array());
  if (!doubleAttributes.has(key)) return buf;
  return concat(fs.map((f) => {
    if (f.no !== 2 || !f.body) return f.raw;
    const int = fields(f.body).find((v) => v.no === 3);
    if (int?.value === undefined) return f.raw;
    const double = new Uint8Array(9);
    double[0] = (4 << 3) | 1;
    new DataView(double.buffer).setFloat64(1, Number(BigInt.asIntN(64, int.value)), true);
    return message(2, double);
  }));
}

const span = nested({ 9: keyValue, 11: nested({ 3: keyValue }) });
const request = nested({ 1: nested({ 2: nested({ 2: span }) }) });

type AnyValue = { intValue?: unknown; doubleValue?: number };
function jsonDoubles(body: Bytes): Bytes {
  const json = JSON.parse(new TextDecoder().decode(body), function (this: unknown, key, value: unknown) {
    if (key === "attributes" && Array.isArray(value)) {
      for (const kv of value as { key: string; value?: AnyValue }[]) {
        if (doubleAttributes.has(kv.key) && kv.value?.intValue !== undefined) kv.value = { doubleValue: Number(kv.value.intValue) };
      }
    }
    return value;
  });
  return new TextEncoder().encode(JSON.stringify(json));
}

function doubleSafe<R>(serializer: ISerializer<ReadableSpan[], R>, fix: (b: Bytes) => Bytes): ISerializer<ReadableSpan[], R> {
  return {
    serializeRequest: (spans) => {
      const body = serializer.serializeRequest(spans);
      return body && fix(body);
    },
    deserializeResponse: (data) => serializer.deserializeResponse(data),
  };
}

/** The official OTLP/HTTP trace exporter for `protocol`, reading the same OTEL_EXPORTER_OTLP_* variables. */
export class DoubleSafeTraceExporter extends OTLPExporterBase<ReadableSpan[]> {
  constructor(protocol: "http/json" | "http/protobuf") {
    const json = protocol === "http/json";
    super(createOtlpHttpExportDelegate(
      convertLegacyHttpOptions({}, "TRACES", "v1/traces", { "Content-Type": json ? "application/json" : "application/x-protobuf" }),
      json ? doubleSafe(JsonTraceSerializer, jsonDoubles) : doubleSafe(ProtobufTraceSerializer, request),
      "otlp_http_span_exporter", TraceExporterMetricsHelper, undefined,
    ));
  }
}
