// A span exporter that appends each batch to a file as one line of OTLP/JSON (an
// ExportTraceServiceRequest, as `POST /v1/traces` carries it): traces without a collector running,
// which an OpenTelemetry Collector's `otlpjsonfile` receiver, or any JSON reader, takes later.
import { appendFileSync, mkdirSync, statSync, truncateSync } from 'node:fs';
import { dirname } from 'node:path';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

/**
 * Appends `{"resourceSpans":[...]}` lines to `path` (parent folders created). A write that fails
 * (disk full, no permission) fails that batch's export with the error, which the span processor
 * reports through OpenTelemetry's diagnostics; the run goes on. A write that stopped part-way is cut
 * off again, so the file holds whole lines only and later batches still parse.
 */
export class OtlpJsonFileExporter implements SpanExporter {
  readonly path: string;
  #shutDown = false;

  constructor(path: string) {
    this.path = path;
    mkdirSync(dirname(path), { recursive: true });
  }

  export(spans: ReadableSpan[], resultCallback: (result: ExportResult) => void): void {
    if (this.#shutDown) {
      resultCallback({ code: ExportResultCode.FAILED, error: new Error(`the trace file exporter for ${this.path} is shut down`) });
      return;
    }
    try {
      const request = JsonTraceSerializer.serializeRequest(spans);
      if (request === undefined) throw new Error('OpenTelemetry could not serialise the spans');
      this.#append(`${new TextDecoder().decode(request)}\n`);
      resultCallback({ code: ExportResultCode.SUCCESS });
    } catch (error) {
      resultCallback({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : new Error(String(error)) });
    }
  }

  /** Appends `line`, or on failure truncates the file back to its size before, and rethrows. */
  #append(line: string): void {
    let sizeBefore = 0;
    try {
      sizeBefore = statSync(this.path).size;
    } catch {
      // No file yet: the append creates it.
    }
    try {
      appendFileSync(this.path, line);
    } catch (error) {
      try {
        truncateSync(this.path, sizeBefore);
      } catch {
        // Nothing was written (a folder, no permission), or it cannot be undone: the write's error is the one to report.
      }
      throw error;
    }
  }

  async shutdown(): Promise<void> {
    this.#shutDown = true;
  }

  async forceFlush(): Promise<void> {}
}
