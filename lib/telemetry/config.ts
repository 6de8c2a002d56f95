import { z } from "zod";
import { intSetting as int, optionalText as optional, parseSettings, unsetIfBlank } from "../env-fields";

// OTLP export settings, from the standard OpenTelemetry variables plus the outbox's own
// (docs/privacy.md). The SDK's exporters read the endpoint, headers and timeout themselves.

const flag = unsetIfBlank(z.enum(["true", "false", "TRUE", "FALSE", "True", "False", "1", "0"]).optional());
const protocol = unsetIfBlank(z.enum(["http/json", "http/protobuf"], { error: "must be http/json or http/protobuf" }).optional());

const schema = z.object({
  OTEL_EXPORTER_OTLP_ENDPOINT: optional,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optional,
  OTEL_EXPORTER_OTLP_PROTOCOL: protocol,
  OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: protocol,
  OTEL_SDK_DISABLED: flag,
  OTEL_TRACES_EXPORTER: optional,
  OTEL_GENAI_CAPTURE_CONTENT: flag,
  OTLP_OUTBOX_MAX_ROWS: int(10_000, 1, 10_000_000),
  OTLP_OUTBOX_POLL_MS: int(1_000, 50, 600_000),
  OTLP_OUTBOX_BATCH: int(100, 1, 1_000),
  OTLP_RETRY_BASE_MS: int(1_000, 1, 600_000),
  OTLP_RETRY_MAX_MS: int(60_000, 1, 3_600_000),
  OTLP_OUTBOX_LEASE_SECONDS: int(60, 5, 3_600),
  OTLP_MAX_ATTEMPTS: int(10, 1, 100),
});

export type OtlpProtocol = "http/json" | "http/protobuf";

export interface TelemetryConfig {
  /** An OTLP endpoint is configured and the SDK is not disabled. */
  enabled: boolean;
  protocol: OtlpProtocol;
  captureContent: boolean;
  outboxCap: number;
  pollMs: number;
  batchSize: number;
  retryBaseMs: number;
  retryMaxMs: number;
  leaseSeconds: number;
  /** Export attempts of a row before it goes to the dead letter. */
  maxAttempts: number;
}

const isTrue = (v: string | undefined) => v !== undefined && ["true", "1"].includes(v.toLowerCase());

export function telemetryConfig(source: Record<string, string | undefined> = process.env): TelemetryConfig {
  const e = parseSettings(schema, source, "OpenTelemetry");
  const endpoint = e.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? e.OTEL_EXPORTER_OTLP_ENDPOINT;
  const exporterOff = (e.OTEL_TRACES_EXPORTER ?? "otlp").split(",").map((x) => x.trim()).includes("none");
  return {
    enabled: Boolean(endpoint) && !isTrue(e.OTEL_SDK_DISABLED) && !exporterOff,
    // the OpenTelemetry default for OTLP/HTTP
    protocol: e.OTEL_EXPORTER_OTLP_TRACES_PROTOCOL ?? e.OTEL_EXPORTER_OTLP_PROTOCOL ?? "http/protobuf",
    captureContent: isTrue(e.OTEL_GENAI_CAPTURE_CONTENT),
    outboxCap: e.OTLP_OUTBOX_MAX_ROWS,
    pollMs: e.OTLP_OUTBOX_POLL_MS,
    batchSize: e.OTLP_OUTBOX_BATCH,
    retryBaseMs: e.OTLP_RETRY_BASE_MS,
    retryMaxMs: e.OTLP_RETRY_MAX_MS,
    leaseSeconds: e.OTLP_OUTBOX_LEASE_SECONDS,
    maxAttempts: e.OTLP_MAX_ATTEMPTS,
  };
}
