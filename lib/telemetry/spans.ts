import { ROOT_CONTEXT, SpanStatusCode, TraceFlags, trace, type HrTime } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import { BasicTracerProvider, type IdGenerator, type ReadableSpan, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import { SpanKind } from "@opentelemetry/api";
import type { SpanSpec } from "./attributes";
import type { OutboxPayload } from "./payload";

// Span specs (lib/telemetry/attributes.ts) → real SDK spans (ReadableSpan) with the ids and times
// chosen there, so a retried export sends the very same spans.

/** Hands out the ids the next span must get (the SDK asks its IdGenerator for them). */
class ChosenIds implements IdGenerator {
  traceId = "";
  spanId = "";
  generateTraceId(): string {
    return this.traceId;
  }
  generateSpanId(): string {
    return this.spanId;
  }
}

/** Collects ended spans instead of exporting them one by one. */
class Collector implements SpanProcessor {
  spans: ReadableSpan[] = [];
  onStart(): void {}
  onEnd(span: ReadableSpan): void {
    this.spans.push(span);
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}

const hrTime = (ms: number): HrTime => {
  const seconds = Math.floor(ms / 1000);
  return [seconds, Math.round((ms - seconds * 1000) * 1e6)];
};

/** A row queued before the spans were built in TypeScript (or a feedback row): its finished spans. */
export function legacySpans(p: OutboxPayload): SpanSpec[] {
  return p.spans.map((s) => ({
    traceId: p.trace_id,
    spanId: s.span_id,
    parentSpanId: s.parent_span_id ?? undefined,
    name: s.name,
    kind: s.attributes["gen_ai.operation.name"] === "chat" ? SpanKind.CLIENT : SpanKind.INTERNAL,
    start: hrTime(s.start_ms),
    end: hrTime(Math.max(s.end_ms, s.start_ms)),
    attributes: s.attributes as SpanSpec["attributes"],
    error: s.status?.message,
    links: [],
    events: s.events.map((e) => ({ name: e.name, time: hrTime(e.time_ms), attributes: e.attributes })),
  }));
}

type Spec = SpanSpec;

export function spanBuilder(resource: Resource) {
  const ids = new ChosenIds();
  const collector = new Collector();
  const provider = new BasicTracerProvider({ resource, idGenerator: ids, spanProcessors: [collector] });
  const tracer = provider.getTracer("threadline");

  function add(s: Spec): void {
    ids.traceId = s.traceId;
    ids.spanId = s.spanId;
    const parent = s.parentSpanId
      ? trace.setSpanContext(ROOT_CONTEXT, { traceId: s.traceId, spanId: s.parentSpanId, traceFlags: TraceFlags.SAMPLED, isRemote: false })
      : ROOT_CONTEXT;
    const span = tracer.startSpan(s.name, { kind: s.kind, startTime: s.start, attributes: s.attributes, links: s.links }, parent);
    for (const e of s.events ?? []) span.addEvent(e.name, e.attributes as SpanSpec["attributes"], e.time);
    if (s.error !== undefined) span.setStatus({ code: SpanStatusCode.ERROR, message: s.error });
    span.end(s.end);
  }

  return {
    /** The SDK spans of these specs, in order. */
    build(specs: Spec[]): ReadableSpan[] {
      collector.spans = [];
      for (const s of specs) add(s);
      return collector.spans;
    },
  };
}
