import { context, propagation, trace, type Context, type Span, SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { BatchSpanProcessor, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace-base';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ATTR_SERVICE_NAME } from '@opentelemetry/semantic-conventions';

export interface TelemetryOptions {
  serviceName: string;
  /** Sends spans to an OpenTelemetry collector (OTLP over HTTP) when set. */
  otlpEndpoint?: string;
  /** Extra exporters, e.g. an in-memory one in tests; spans are exported synchronously to them. */
  exporters?: SpanExporter[];
}

let provider: NodeTracerProvider | undefined;

/**
 * Starts tracing for the process, once: the first composition root to call it wins, so the embedded
 * mode (every service in one process) has one provider. Registers W3C trace-context propagation and
 * the async-local context manager.
 */
export function initTelemetry(options: TelemetryOptions): void {
  if (provider) return;
  const spanProcessors: SpanProcessor[] = (options.exporters ?? []).map((exporter) => new SimpleSpanProcessor(exporter));
  if (options.otlpEndpoint)
    spanProcessors.push(new BatchSpanProcessor(new OTLPTraceExporter({ url: `${options.otlpEndpoint.replace(/\/$/, '')}/v1/traces` })));
  provider = new NodeTracerProvider({ resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName }), spanProcessors });
  provider.register();
}

export async function shutdownTelemetry(): Promise<void> {
  await provider?.shutdown();
  provider = undefined;
}

export const tracer = (name: string) => trace.getTracer(name);

/** The W3C traceparent of the active span, to carry in an event or a header. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

/** The context a traceparent header or event field points to (the active one when absent). */
export function contextFrom(carrier: Record<string, string | string[] | undefined>): Context {
  return propagation.extract(context.active(), carrier);
}

export function injectInto(headers: { set(name: string, value: string): unknown }): void {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  for (const [name, value] of Object.entries(carrier)) headers.set(name, value);
}

/** Runs fn in a new span (a child of `parent`, or of the active span), ending it and recording failure. */
export async function inSpan<T>(
  tracerName: string,
  name: string,
  options: { parent?: Context; kind?: SpanKind; attributes?: Record<string, string | number | boolean> },
  fn: (span: Span) => Promise<T>,
): Promise<T> {
  const parent = options.parent ?? context.active();
  return tracer(tracerName).startActiveSpan(name, { kind: options.kind, attributes: options.attributes }, parent, async (span) => {
    try {
      return await fn(span);
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR, message: (error as Error).message });
      throw error;
    } finally {
      span.end();
    }
  });
}

export { SpanKind };
