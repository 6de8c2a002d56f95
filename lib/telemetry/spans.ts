import { ROOT_CONTEXT, SpanKind, SpanStatusCode, TraceFlags, trace, type HrTime } from "@opentelemetry/api";
import type { Resource } from "@opentelemetry/resources";
import { BasicTracerProvider, type IdGenerator, type ReadableSpan, type SpanProcessor } from "@opentelemetry/sdk-trace-base";
import type { OutboxPayload, OutboxSpan } from "./payload";

// Outbox payloads → real SDK spans (ReadableSpan) with the ids and times the database chose,
// so a retried export sends the very same spans.

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

const kindOf = (span: OutboxSpan): SpanKind => (span.attributes["gen_ai.operation.name"] === "chat" ? SpanKind.CLIENT : SpanKind.INTERNAL);

export function spanBuilder(resource: Resource) {
  const ids = new ChosenIds();
  const collector = new Collector();
  const provider = new BasicTracerProvider({ resource, idGenerator: ids, spanProcessors: [collector] });
  const tracer = provider.getTracer("threadline");

  function add(traceId: string, s: OutboxSpan): void {
    ids.traceId = traceId;
    ids.spanId = s.span_id;
    const parent = s.parent_span_id
      ? trace.setSpanContext(ROOT_CONTEXT, { traceId, spanId: s.parent_span_id, traceFlags: TraceFlags.SAMPLED, isRemote: false })
      : ROOT_CONTEXT;
    const span = tracer.startSpan(s.name, { kind: kindOf(s), startTime: hrTime(s.start_ms), attributes: s.attributes }, parent);
    for (const e of s.events) span.addEvent(e.name, e.attributes, hrTime(e.time_ms));
    if (s.status) span.setStatus({ code: SpanStatusCode.ERROR, message: s.status.message });
    span.end(hrTime(Math.max(s.end_ms, s.start_ms)));
  }

  return {
    /** The SDK spans of these payloads, in payload order. */
    build(payloads: OutboxPayload[]): ReadableSpan[] {
      collector.spans = [];
      for (const p of payloads) for (const s of p.spans) add(p.trace_id, s);
      return collector.spans;
    },
  };
}
