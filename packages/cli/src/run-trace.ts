// `worldloop run --trace <url|path>`: OpenTelemetry spans of the run, sent to an OTLP/HTTP endpoint
// or appended to a JSON-lines file; export failures are reported at the end, never fail the run.
import type { AgentEventBus } from '@worldloop/core';
import { AgentTracing, startTraceExport, type TraceExport } from '@worldloop/tracing';
import type { CliIo } from './cli-io.js';
import { WORLDLOOP_VERSION } from './version.js';

/** The trace export of one run. */
export class RunTrace {
  private constructor(
    private readonly io: CliIo,
    private readonly exported: TraceExport,
    private readonly agentName: string,
  ) {}

  /** Starts exporting to `target` (a ConfigError for a destination it cannot take). */
  static open(io: CliIo, target: string, agentName: string): RunTrace {
    return new RunTrace(io, startTraceExport(target, { cwd: io.cwd, serviceVersion: WORLDLOOP_VERSION }), agentName);
  }

  /** Traces the agent's events from now on. */
  attach(events: AgentEventBus): void {
    new AgentTracing({ tracer: this.exported.tracer, agentName: this.agentName }).attach(events);
  }

  /** Flushes the last spans; says where they went, or on stderr how many batches were lost and why. */
  async close(): Promise<void> {
    const report = await this.exported.shutdown();
    const total = report.exportedBatches + report.failedBatches;
    if (report.failedBatches > 0 || report.lastError !== undefined) {
      this.io.stderr.write(`trace: ${report.failedBatches} of ${total} batches of spans could not be exported to ${this.exported.destination}: ${report.lastError?.message ?? 'unknown error'}\n`);
    } else if (total > 0) {
      // Nothing to say when nothing ran (a resume refused before its first episode).
      this.io.stdout.write(`trace: ${total} batch${total === 1 ? '' : 'es'} of spans exported to ${this.exported.destination}\n`);
    }
  }
}
