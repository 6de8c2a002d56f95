import { ExportResultCode } from "@opentelemetry/core";
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from "@opentelemetry/resources";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import type { OtlpProtocol } from "./config";

// The official OTLP/HTTP exporters; each reads OTEL_EXPORTER_OTLP_(TRACES_)ENDPOINT, _HEADERS,
// _TIMEOUT and _COMPRESSION from the environment when it is created.

export async function createExporter(protocol: OtlpProtocol): Promise<SpanExporter> {
  // the official exporters and serializers, with the GenAI doubles kept doubles (lib/telemetry/doubles.ts)
  const { DoubleSafeTraceExporter } = await import("./doubles");
  return new DoubleSafeTraceExporter(protocol);
}

/** service.name defaults to threadline; OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES win. */
export function telemetryResource(): Resource {
  return defaultResource()
    .merge(resourceFromAttributes({ "service.name": "threadline" }))
    .merge(detectResources({ detectors: [envDetector] }));
}

/** Resolves once the collector answered: ok only on a 2xx; `status`: the HTTP status of a refusal
 *  (the SDK's OTLPExporterError carries it; 429, 502-504 and no answer come without one). */
export function exportSpans(exporter: SpanExporter, spans: ReadableSpan[]): Promise<{ ok: boolean; error?: string; status?: number }> {
  return new Promise((resolve) => {
    exporter.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) return resolve({ ok: true });
      const code = (result.error as { code?: unknown } | undefined)?.code;
      resolve({ ok: false, error: String(result.error?.message ?? result.error ?? "export failed"), status: typeof code === "number" ? code : undefined });
    });
  });
}
