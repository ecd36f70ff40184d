// Tools an agent can call while planning: zod-typed input, JSON Schema for models, permissions.
import type { z } from 'zod';
import type { JsonSchema } from './json.js';

/** What a running tool can see: an abort signal (fired on timeout) and where it was called from. */
export interface ToolContext {
  /** Fires when the call times out or the episode is aborted; long tools should honour it. */
  readonly signal: AbortSignal;
  /** Index of the episode in its run, when called from an agent loop. */
  readonly episodeIndex?: number;
  /** Step within the episode, when called from an agent loop. */
  readonly stepIndex?: number;
}

/**
 * A function an agent may call. The registry validates arguments against `inputSchema`
 * before `execute` runs, so `execute` receives parsed input.
 */
export interface Tool<Input = any, Output = unknown> {
  /** Unique name models use to call it: letters, digits, `_` and `-`. */
  readonly name: string;
  /** What it does and when to use it, written for a model. */
  readonly description: string;
  /** Zod schema of the arguments (an object schema). */
  readonly inputSchema: z.ZodType<Input>;
  /** Permissions the caller must hold (`world:read`, `fs:write`); none means anyone may call it. */
  readonly permissions?: readonly string[];
  /** Execution time limit in milliseconds; the registry's default applies when absent. */
  readonly timeoutMs?: number;
  execute(input: Input, context: ToolContext): Output | Promise<Output>;
}

/** A tool as a model sees it: name, description and JSON Schema of the arguments. */
export interface ToolDefinition {
  readonly name: string;
  readonly description: string;
  /** The arguments' JSON Schema, as shown to the model. */
  readonly parameters: JsonSchema;
  /**
   * A narrower schema the backend enforces while decoding (llama.cpp grammars, `response_format`
   * emulation) but does not show the model: the prompt keeps `parameters`, so narrowing per step
   * (say, to the actions valid now) leaves the prompt prefix, and the backend's KV cache, intact.
   * Backends that cannot constrain decoding apart from the prompt (native tool calling on a server)
   * ignore it; validation after the reply stays the safeguard.
   */
  readonly decodingParameters?: JsonSchema;
}

/** A request to call a tool, from a policy or a model. */
export interface ToolCall {
  /** Identifier linking the call to its result (the model's tool-call id when it gave one). */
  readonly id: string;
  readonly name: string;
  /** Arguments as given: an object, or a JSON string from a model. */
  readonly arguments: unknown;
}

/** The structured error of a failed tool call; it goes back to the caller as data, never thrown. */
export interface ToolFailure {
  /** `tool-input` (unknown tool, bad arguments), `tool-denied`, `tool-timeout`, `tool-failed`. */
  readonly code: string;
  readonly message: string;
  /** Validation issues, one per offending field. */
  readonly issues?: readonly { readonly path: string; readonly message: string }[];
}

/** The outcome of a tool call. */
export type ToolResult =
  | { readonly ok: true; readonly output: unknown; readonly durationMs: number }
  | { readonly ok: false; readonly error: ToolFailure; readonly durationMs: number };

/** The tools one policy may use within a step: their definitions, and a way to call them. */
export interface ToolBox {
  /** Definitions of the tools this caller is allowed to use. */
  readonly definitions: readonly ToolDefinition[];
  /** Calls a tool; never throws for model-side mistakes (they come back as `ok: false`). */
  call(name: string, args: unknown, options?: { id?: string }): Promise<ToolResult>;
}
