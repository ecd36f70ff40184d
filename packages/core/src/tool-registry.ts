// The tool registry: tools with zod schemas, JSON Schema for models, permission checks, argument
// validation before execution, time limits. A bad call comes back as a structured failure
// (`ok: false`), never as a thrown error; only programmer errors (bad registration) throw.
// Permissions fail closed: a caller that states none holds none, so a tool that declares any is
// refused (`tool-denied`) until the caller's `ToolAccess.permissions` covers them all.
import { z } from 'zod';
import {
  ConfigError,
  type JsonSchema,
  type Tool,
  type ToolBox,
  type ToolContext,
  type ToolDefinition,
  type ToolFailure,
  type ToolResult,
} from '@worldloop/spec';

/**
 * Which tools a caller may use. Deny wins over allow; a tool that declares permissions also needs
 * the caller to hold every one of them. Nothing is granted by default: `{}` (or no access at all)
 * may call only the tools that declare no permissions.
 */
export interface ToolAccess {
  /** Tool names allowed; all when absent. */
  readonly allow?: readonly string[];
  /** Tool names denied. */
  readonly deny?: readonly string[];
  /**
   * Permissions the caller holds; none when absent. A tool that needs one the caller lacks is still
   * listed (its description says it is unavailable, and why), but every call to it is refused
   * with `tool-denied` before its arguments are read.
   */
  readonly permissions?: readonly string[];
}

/** Options of a registry. */
export interface ToolRegistryOptions {
  /** Time limit for tools that set none, in milliseconds (default 30,000). */
  readonly defaultTimeoutMs?: number;
}

const TOOL_NAME = /^[A-Za-z][\w-]{0,63}$/;

/** Holds tools and executes calls to them safely. */
export class ToolRegistry {
  private readonly tools = new Map<string, Tool>();
  private readonly definitionCache = new Map<string, ToolDefinition>();
  private readonly defaultTimeoutMs: number;

  constructor(tools: Iterable<Tool> = [], options: ToolRegistryOptions = {}) {
    this.defaultTimeoutMs = options.defaultTimeoutMs ?? 30_000;
    for (const tool of tools) this.register(tool);
  }

  /** Adds a tool. A bad name, a duplicate, or a schema that is not an object is a `ConfigError`. */
  register(tool: Tool): this {
    if (!TOOL_NAME.test(tool.name)) {
      throw new ConfigError(`Tool name ${JSON.stringify(tool.name)} must start with a letter and use only letters, digits, "_" and "-" (64 at most).`);
    }
    if (this.tools.has(tool.name)) throw new ConfigError(`Tool ${JSON.stringify(tool.name)} is registered twice.`);
    const parameters = z.toJSONSchema(tool.inputSchema, { io: 'input', unrepresentable: 'any' }) as JsonSchema;
    if (parameters.type !== 'object') {
      throw new ConfigError(`Tool ${JSON.stringify(tool.name)} needs an object input schema (z.object({...})), got ${JSON.stringify(parameters.type)}.`);
    }
    delete parameters.$schema;
    this.tools.set(tool.name, tool);
    this.definitionCache.set(tool.name, { name: tool.name, description: tool.description, parameters });
    return this;
  }

  /** The tool with this name, if registered. */
  get(name: string): Tool | undefined {
    return this.tools.get(name);
  }

  /** Names of all registered tools. */
  names(): string[] {
    return [...this.tools.keys()];
  }

  /**
   * Definitions (JSON Schema) of the tools this caller is shown: those its allow / deny lists admit.
   * A tool whose permissions the caller does not hold is listed too, with a note on its description
   * that calls are refused; this keeps the refusal visible (in the prompt, and as a `tool-denied`
   * result if the model calls it anyway) instead of the tool silently missing.
   */
  definitions(access: ToolAccess = {}): ToolDefinition[] {
    return this.names()
      .filter((name) => isListed(name, access))
      .map((name) => {
        const definition = this.definitionCache.get(name)!;
        const missing = missingPermissions(this.tools.get(name)!, access);
        if (missing.length === 0) return definition;
        return { ...definition, description: `${definition.description} (Unavailable: needs ${permissionList(missing)}, which you do not hold; calls to it are refused.)` };
      });
  }

  /**
   * Calls a tool: resolves the name against the access rules, checks the caller holds every
   * permission the tool declares (none when `access.permissions` is absent), parses arguments (an
   * object or a JSON string), validates them, runs the tool under its time limit. Never rejects for
   * caller-side mistakes; they come back as `{ ok: false, error }` with a message a model can act on
   * (`tool-denied` for a missing permission, naming it and how a developer grants it).
   */
  async call(name: string, args: unknown, access: ToolAccess = {}, context: Omit<ToolContext, 'signal'> & { signal?: AbortSignal } = {}): Promise<ToolResult> {
    const startedAt = performance.now();
    const fail = (error: ToolFailure): ToolResult => ({ ok: false, error, durationMs: performance.now() - startedAt });

    const tool = this.tools.get(name);
    if (!tool || !isListed(name, access)) {
      const available = this.definitions(access).map((definition) => definition.name);
      return fail({
        code: 'tool-input',
        message: `Unknown tool ${JSON.stringify(name)}. Available tools: ${available.length > 0 ? available.join(', ') : '(none)'}.`,
      });
    }
    const missing = missingPermissions(tool, access);
    if (missing.length > 0) {
      return fail({
        code: 'tool-denied',
        message:
          `Tool ${JSON.stringify(name)} needs ${permissionList(missing)}, which this agent does not hold, so it was not run; use another tool or act without it. ` +
          `(Developer: grant ${missing.length === 1 ? 'it' : 'them'} with AgentOptions.toolAccess.permissions, or toLangChainTools(registry, { permissions: ${JSON.stringify(missing)} }).)`,
      });
    }

    let input: unknown = args ?? {};
    if (typeof input === 'string') {
      try {
        input = input.trim() === '' ? {} : JSON.parse(input);
      } catch (error) {
        return fail({ code: 'tool-input', message: `Arguments of ${name} are not valid JSON: ${(error as Error).message}. Send a JSON object matching the tool's schema.` });
      }
    }
    const parsed = tool.inputSchema.safeParse(input);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((issue) => ({ path: issue.path.join('.') || '(root)', message: issue.message }));
      return fail({
        code: 'tool-input',
        message: `Invalid arguments for ${name}: ${issues.map((issue) => `${issue.path}: ${issue.message}`).join('; ')}.`,
        issues,
      });
    }

    // An aborted caller (the episode was stopped) gets its answer at once, whether the tool listens
    // to its signal or not; a tool is not started for a caller aborted already.
    const aborted = (): ToolResult => fail({ code: 'tool-failed', message: `Tool ${name} was aborted: ${abortReason(context.signal!)}` });
    if (context.signal?.aborted) return aborted();
    const timeoutMs = tool.timeoutMs ?? this.defaultTimeoutMs;
    const controller = new AbortController();
    let onOuterAbort: (() => void) | undefined;
    const abortion = new Promise<'aborted'>((resolve) => {
      onOuterAbort = (): void => {
        controller.abort(context.signal?.reason);
        resolve('aborted');
      };
    });
    context.signal?.addEventListener('abort', onOuterAbort!, { once: true });
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), timeoutMs);
    });
    try {
      const execution = Promise.resolve().then(() => tool.execute(parsed.data, { ...context, signal: controller.signal }));
      const outcome = await Promise.race([execution.then((output) => ({ output })), timeout, abortion]);
      if (outcome === 'timeout' || outcome === 'aborted') {
        execution.catch(() => undefined);
        if (outcome === 'aborted') return aborted();
        controller.abort(new Error('timeout'));
        return fail({ code: 'tool-timeout', message: `Tool ${name} did not finish within ${timeoutMs} ms.` });
      }
      return { ok: true, output: outcome.output, durationMs: performance.now() - startedAt };
    } catch (error) {
      return fail({ code: 'tool-failed', message: `Tool ${name} failed: ${error instanceof Error ? error.message : String(error)}` });
    } finally {
      clearTimeout(timer);
      context.signal?.removeEventListener('abort', onOuterAbort!);
    }
  }

  /** A tool box bound to one caller's access and context, as policies receive it; `{}` holds no permissions. */
  toolBox(access: ToolAccess = {}, context: Omit<ToolContext, 'signal'> & { signal?: AbortSignal } = {}): ToolBox {
    return {
      definitions: this.definitions(access),
      call: (name, args) => this.call(name, args, access, context),
    };
  }
}

/** Why a signal aborted, as a message: its reason's message, else the reason itself. */
function abortReason(signal: AbortSignal): string {
  const reason: unknown = signal.reason;
  return reason instanceof Error ? reason.message : String(reason);
}

/** The permissions a tool declares that the caller does not hold; a caller that states none holds none. */
function missingPermissions(tool: Tool, access: ToolAccess): string[] {
  const held = access.permissions ?? [];
  return (tool.permissions ?? []).filter((permission) => !held.includes(permission));
}

/** "permission a" or "permissions a, b", as messages name them. */
function permissionList(permissions: readonly string[]): string {
  return `${permissions.length === 1 ? 'permission' : 'permissions'} ${permissions.join(', ')}`;
}

function isListed(name: string, access: ToolAccess): boolean {
  if (access.deny?.includes(name)) return false;
  return access.allow === undefined || access.allow.includes(name);
}
