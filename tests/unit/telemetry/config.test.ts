import { describe, expect, it } from "vitest";
import { telemetryConfig } from "@/lib/telemetry/config";

// Which settings turn OTLP export on, and how (docs/privacy.md).
describe("telemetryConfig", () => {
  it("is off without an endpoint, and on with either the base or the traces endpoint", () => {
    expect(telemetryConfig({}).enabled).toBe(false);
    expect(telemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: " " }).enabled).toBe(false);
    expect(telemetryConfig({ OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" }).enabled).toBe(true);
    expect(telemetryConfig({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: "http://127.0.0.1:4318/v1/traces" }).enabled).toBe(true);
  });

  it("honours OTEL_SDK_DISABLED and OTEL_TRACES_EXPORTER=none", () => {
    const endpoint = { OTEL_EXPORTER_OTLP_ENDPOINT: "http://127.0.0.1:4318" };
    expect(telemetryConfig({ ...endpoint, OTEL_SDK_DISABLED: "true" }).enabled).toBe(false);
    expect(telemetryConfig({ ...endpoint, OTEL_TRACES_EXPORTER: "none" }).enabled).toBe(false);
    expect(telemetryConfig({ ...endpoint, OTEL_TRACES_EXPORTER: "otlp" }).enabled).toBe(true);
  });

  it("defaults to http/protobuf; the traces protocol wins; grpc is refused with the variable's name", () => {
    expect(telemetryConfig({}).protocol).toBe("http/protobuf");
    expect(telemetryConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json" }).protocol).toBe("http/json");
    expect(telemetryConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: "http/json", OTEL_EXPORTER_OTLP_TRACES_PROTOCOL: "http/protobuf" }).protocol).toBe("http/protobuf");
    expect(() => telemetryConfig({ OTEL_EXPORTER_OTLP_PROTOCOL: "grpc" })).toThrow(/OTEL_EXPORTER_OTLP_PROTOCOL/);
  });

  it("captures content only when asked, and reads the outbox settings", () => {
    expect(telemetryConfig({}).captureContent).toBe(false);
    expect(telemetryConfig({ OTEL_GENAI_CAPTURE_CONTENT: "true" }).captureContent).toBe(true);
    expect(telemetryConfig({ OTLP_OUTBOX_MAX_ROWS: "500", OTLP_RETRY_MAX_MS: "2000" })).toMatchObject({ outboxCap: 500, retryMaxMs: 2000 });
    expect(() => telemetryConfig({ OTLP_OUTBOX_MAX_ROWS: "0" })).toThrow(/OTLP_OUTBOX_MAX_ROWS/);
  });
});
