// Sets up an OpenTelemetry SDK that exports worldloop's spans: to an OTLP/HTTP endpoint (a
// collector, Jaeger, Tempo, Phoenix, Langfuse: anything that takes OTLP) or to a JSON-lines file.
import { resolve } from 'node:path';
import type { Tracer } from '@opentelemetry/api';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BasicTracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace-base';
import { ConfigError } from '@worldloop/spec';
import { OtlpJsonFileExporter } from './otlp-json-file-exporter.js';

/** Options of {@link startTraceExport}. */
export interface TraceExportOptions {
  /** `service.name` of the resource (default `worldloop`). */
  readonly serviceName?: string;
  /** `service.version` of the resource. */
  readonly serviceVersion?: string;
  /** Resolves a file path (default the process's working directory). */
  readonly cwd?: string;
  /** Extra HTTP headers for an OTLP endpoint (an API key, say). */
  readonly headers?: Record<string, string>;
  /** How long one export to an OTLP endpoint may take, retries of 429/5xx/refused connections included (default 10,000 ms). */
  readonly exportTimeoutMs?: number;
}

/** How the export went: batches sent or written, batches that failed, and the last failure. */
export interface TraceExportReport {
  readonly exportedBatches: number;
  readonly failedBatches: number;
  readonly lastError?: Error;
}

/** An exporting tracer; `shutdown()` flushes what is buffered, then stops. */
export interface TraceExport {
  readonly tracer: Tracer;
  /** Where spans go: the endpoint's URL, or the file's absolute path. */
  readonly destination: string;
  /** Exports the spans still buffered; never rejects (failures are counted in the report). */
  forceFlush(): Promise<TraceExportReport>;
  /** Flushes and stops exporting; never rejects: a collector that is down loses spans, not the run. */
  shutdown(): Promise<TraceExportReport>;
}

/** Counts the batches an exporter sent and failed, keeping the last failure. */
class CountingExporter implements SpanExporter {
  exportedBatches = 0;
  failedBatches = 0;
  lastError: Error | undefined;

  constructor(private readonly inner: SpanExporter) {}

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    this.inner.export(spans, (result) => {
      if (result.code === ExportResultCode.SUCCESS) this.exportedBatches += 1;
      else {
        this.failedBatches += 1;
        this.lastError = result.error ?? new Error('the export failed');
      }
      resultCallback(result);
    });
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }

  report(error?: unknown): TraceExportReport {
    if (error !== undefined && this.lastError === undefined) this.lastError = error instanceof Error ? error : new Error(String(error));
    return { exportedBatches: this.exportedBatches, failedBatches: this.failedBatches, ...(this.lastError ? { lastError: this.lastError } : {}) };
  }
}

/**
 * A tracer whose spans go to `target`: an `http://` or `https://` URL is an OTLP/HTTP (JSON)
 * endpoint (`/v1/traces` is added when the URL has no path, as in `http://127.0.0.1:4318`); anything
 * else is a file path, appended with one OTLP/JSON line per batch. Spans are batched
 * (`BatchSpanProcessor`), so a slow or absent collector never slows the agent; call `shutdown()` at
 * the end so the last ones are not lost, and read its report: failed exports (a collector down or
 * answering 5xx) are counted there, never thrown. A URL of another scheme is a ConfigError.
 */
export function startTraceExport(target: string, options: TraceExportOptions = {}): TraceExport {
  if (target.trim() === '') throw new ConfigError('The trace destination is empty; give an OTLP/HTTP URL (http://127.0.0.1:4318) or a file path (traces.jsonl).');
  let exporter: SpanExporter;
  let destination: string;
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target)) {
    let url: URL;
    try {
      url = new URL(target);
    } catch {
      throw new ConfigError(`The trace destination ${target} is not a valid URL.`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new ConfigError(`The trace destination ${target} uses ${url.protocol.slice(0, -1)}; OTLP is exported over http:// or https:// (e.g. http://127.0.0.1:4318), or give a file path.`);
    }
    if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces';
    destination = url.href;
    exporter = new OTLPTraceExporter({
      url: destination,
      ...(options.headers ? { headers: options.headers } : {}),
      ...(options.exportTimeoutMs !== undefined ? { timeoutMillis: options.exportTimeoutMs } : {}),
    });
  } else {
    destination = resolve(options.cwd ?? process.cwd(), target);
    exporter = new OtlpJsonFileExporter(destination);
  }
  const counting = new CountingExporter(exporter);
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({ 'service.name': options.serviceName ?? 'worldloop', ...(options.serviceVersion ? { 'service.version': options.serviceVersion } : {}) }),
    // A fast loop makes tens of thousands of spans a second: a queue of 32k and batches of 1,024
    // keep bursts from being dropped (the SDK's defaults, 2,048 and 512, drop them silently).
    // The processor gives up on an export after exportTimeoutMillis (30 s by default): longer than
    // the exporter's own timeout, retries included, so that the exporter's error is the one reported.
    spanProcessors: [new BatchSpanProcessor(counting, { maxQueueSize: 32_768, maxExportBatchSize: 1024, exportTimeoutMillis: (options.exportTimeoutMs ?? 10_000) + 5_000 })],
  });
  // The SDK rejects a flush whose last export failed: that is in the report instead.
  const settle = (work: Promise<void>): Promise<TraceExportReport> => work.then(() => counting.report(), (error: unknown) => counting.report(error));
  return {
    tracer: provider.getTracer('worldloop', options.serviceVersion),
    destination,
    forceFlush: () => settle(provider.forceFlush()),
    shutdown: () => settle(provider.shutdown()),
  };
}
