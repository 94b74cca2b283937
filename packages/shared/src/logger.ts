import { trace, context } from '@opentelemetry/api';
import pino, { type Logger } from 'pino';

export type { Logger };

/** Structured JSON logs; every line written inside a span carries its trace and span ids. */
export function createLogger(service: string, level = 'info'): Logger {
  return pino({
    name: service,
    level,
    base: { service },
    mixin() {
      const span = trace.getSpan(context.active());
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
  });
}
