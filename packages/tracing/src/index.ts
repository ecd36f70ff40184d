// Public surface of @worldloop/tracing: OpenTelemetry spans of agent runs, and their export.
export { AgentTracing, type AgentTracingOptions } from './agent-tracing.js';
export { genAi } from './gen-ai-attributes.js';
export { OtlpJsonFileExporter } from './otlp-json-file-exporter.js';
export { startTraceExport, type TraceExport, type TraceExportOptions, type TraceExportReport } from './trace-export.js';
