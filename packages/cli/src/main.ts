// The `worldloop` command: parses arguments, dispatches to a command, maps errors to exit codes
// (2 for usage and configuration errors, 1 for failures, 130 when interrupted).
import { parseArgs } from 'node:util';
import { ConfigError, StoreError, WorldloopError } from '@worldloop/spec';
import { processIo, type CliIo } from './cli-io.js';
import { interruptible } from './interruptible.js';
import { envsCommand } from './commands/envs-command.js';
import { episodesCommand } from './commands/episodes-command.js';
import { exportCommand } from './commands/export-command.js';
import { modelsCommand } from './commands/models-command.js';
import { runCommand } from './commands/run-command.js';
import { serveCommand } from './commands/serve-command.js';
import { showCommand } from './commands/show-command.js';
import { statsCommand } from './commands/stats-command.js';
import { wmEvalCommand } from './commands/wm-eval-command.js';
import { WORLDLOOP_VERSION } from './version.js';

const HELP = `worldloop ${WORLDLOOP_VERSION}: agents that live in worlds

Usage:
  worldloop run --env <id> [--policy planner|llm|expert|random|random-valid] [--episodes N] [--concurrency N]
                [--seed N] [--max-steps N] [--db PATH]
                [--model SPEC] [--action-mode auto|native|text] [--temperature X] [--max-tokens N]
                [--threads N] [--context-tokens N]   (the last two: in-process llama-cpp models)
                [--vectorize]   step the episodes in flight together (gridworld natively); same results
                [--memory PATH|off] [--reflect rule|model|off] [--skills]   episodic memory (see below)
                [--trace URL|PATH]   OpenTelemetry spans to an OTLP/HTTP endpoint or a JSON-lines file
  worldloop models --probe SPEC [--threads N]  what a model backend supports
  worldloop envs                              list registered environments
  worldloop episodes [--run ID] [--env ID] [--limit N] [--db PATH]
  worldloop run --resume <run> [--db PATH]    continue a killed or stopped run with its recorded flags
  worldloop show <episode> [--db PATH] [--memory PATH|off]
                                              print an episode step by step, with its memories
  worldloop export --format <f> --out <path> [--db PATH] [--run ID[,ID]] [--env ID] [--task TEXT]
                [--success-only] [--min-reward X] [--min-steps N] [--max-steps N]
                [--validation-fraction X] [--force]
                write finished episodes as a dataset, with a card beside it; formats: openai-chat,
                sharegpt, agentgym, trl-messages, trl-preference, transitions, transitions-parquet,
                world-model, world-model-parquet (for export, --min-steps/--max-steps select episodes by length)
  worldloop serve --env <id> [--port N] [--host H] [--max-instances N] [--idle-timeout-s N] [--max-steps N]
                                              serve an environment over the AgentGym HTTP protocol
  worldloop stats [--run ID] [--env ID] [--db PATH]  success, reward, steps, tokens per environment and task
  worldloop wm-eval --env <id> [--world-model simulator|tabular|random] [--episodes N] [--seed N] [--max-steps N]
                [--planner-actions primitive|valid]
                                              world models' one-step and k-step accuracy and planner success,
                                              beside the simulator oracle, the random model and a random policy

Policies: planner (the default without --model: plans over a tabular world model it learns as the
run goes; no model needed, and it gets better with experience), llm (a language model; the default
when --model is given), expert (the environment's own solver), random (uniform over primitive
actions), random-valid (uniform over every valid action, text commands included).

Environments on a server: --env agentgym:<url>#<name>[?tasks=N&expert=1] drives an environment served
over the AgentGym HTTP protocol (e.g. agentgym:http://127.0.0.1:36001#textcraft, or one started by worldloop serve).

Model specs: openai-compatible:<url>[#model] for any OpenAI-compatible server, or the same with
vllm:, sglang:, llama-server:, ollama:, lmstudio: to name the server (e.g.
vllm:http://127.0.0.1:8000/v1#Qwen/Qwen2.5-7B-Instruct, ollama:http://127.0.0.1:11434/v1#qwen2.5:7b);
llama-cpp:<file.gguf> runs a GGUF model in process. WORLDLOOP_API_KEY is sent as a bearer token.

Memory (off by default): --memory .worldloop/memory.db keeps an episodic memory in that SQLite file,
one namespace per environment; each step recalls from it into the policy's percept and writes what
happened, both recorded with the step. --reflect rule|model writes lessons at each episode's end (and
when enough important memories pile up), by rules or with the --model backend; --skills stores the
actions of each successful episode as a skill and shows the skills of similar missions to LLM policies.
worldloop show prints what each step recalled and remembered and the episode's lessons, from the
memory file the run recorded (or --memory PATH; --memory off for none).

Tracing: --trace http://127.0.0.1:4318 sends OpenTelemetry spans (OTLP/HTTP JSON; GenAI semantic
conventions: run, episode, step, model-call and tool-call spans) to a collector, Jaeger, Tempo,
Phoenix or Langfuse; --trace traces.jsonl appends them to a file as OTLP/JSON lines instead.

Runs are recorded to ./.worldloop/worldloop.db unless --db says otherwise.
`;

const OPTIONS = {
  env: { type: 'string' },
  policy: { type: 'string' },
  episodes: { type: 'string' },
  concurrency: { type: 'string' },
  seed: { type: 'string' },
  'max-steps': { type: 'string' },
  db: { type: 'string' },
  run: { type: 'string' },
  limit: { type: 'string' },
  model: { type: 'string' },
  'action-mode': { type: 'string' },
  temperature: { type: 'string' },
  'max-tokens': { type: 'string' },
  threads: { type: 'string' },
  'context-tokens': { type: 'string' },
  vectorize: { type: 'boolean' },
  memory: { type: 'string' },
  reflect: { type: 'string' },
  skills: { type: 'boolean' },
  trace: { type: 'string' },
  probe: { type: 'string' },
  'world-model': { type: 'string' },
  'planner-actions': { type: 'string' },
  port: { type: 'string' },
  host: { type: 'string' },
  'max-instances': { type: 'string' },
  'idle-timeout-s': { type: 'string' },
  resume: { type: 'string' },
  format: { type: 'string' },
  out: { type: 'string' },
  task: { type: 'string' },
  'success-only': { type: 'boolean' },
  'min-reward': { type: 'string' },
  'min-steps': { type: 'string' },
  'validation-fraction': { type: 'string' },
  force: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** Which flags each command takes; anything else is a usage error. */
const COMMAND_FLAGS: Record<string, readonly string[]> = {
  run: ['env', 'policy', 'episodes', 'concurrency', 'seed', 'max-steps', 'db', 'model', 'action-mode', 'temperature', 'max-tokens', 'threads', 'context-tokens', 'resume', 'memory', 'reflect', 'skills', 'vectorize', 'trace'],
  models: ['probe', 'threads'],
  envs: [],
  episodes: ['db', 'run', 'env', 'limit'],
  show: ['db', 'memory'],
  export: ['format', 'out', 'db', 'run', 'env', 'task', 'success-only', 'min-reward', 'min-steps', 'max-steps', 'validation-fraction', 'force'],
  serve: ['env', 'port', 'host', 'max-instances', 'idle-timeout-s', 'max-steps'],
  stats: ['db', 'run', 'env'],
  'wm-eval': ['env', 'world-model', 'episodes', 'seed', 'max-steps', 'planner-actions'],
};

/** Runs the command line `argv` (without `node` and the script) and returns the exit code. */
export async function main(argv: readonly string[], io: CliIo = processIo(), signal?: AbortSignal): Promise<number> {
  try {
    let parsed;
    try {
      parsed = parseArgs({ args: [...argv], options: OPTIONS, allowPositionals: true, strict: true });
    } catch (error) {
      throw new ConfigError(`${(error as Error).message}. Run \`worldloop --help\` for usage.`);
    }
    const { values, positionals } = parsed;
    const [command, ...rest] = positionals;
    if (values.version) {
      io.stdout.write(`${WORLDLOOP_VERSION}\n`);
      return 0;
    }
    if (values.help || command === undefined || command === 'help') {
      io.stdout.write(HELP);
      return command === undefined && !values.help ? 2 : 0;
    }
    const allowed = COMMAND_FLAGS[command];
    if (!allowed) throw new ConfigError(`Unknown command ${JSON.stringify(command)}. Commands: ${Object.keys(COMMAND_FLAGS).join(', ')}.`);
    const stray = Object.keys(values).filter((name) => !allowed.includes(name));
    if (stray.length > 0) throw new ConfigError(`worldloop ${command} does not take --${stray.join(', --')}.`);
    const tooMany = rest.length > (command === 'show' ? 1 : 0);
    if (tooMany) throw new ConfigError(`Unexpected argument ${JSON.stringify(rest.at(-1))} for worldloop ${command}.`);

    switch (command) {
      case 'run':
        return await interruptible(io, signal, (stop) => runCommand(io, values, stop), 'interrupted: finishing the episodes in flight as aborted (Ctrl-C again to force)');
      case 'serve':
        return await interruptible(io, signal, (stop) => serveCommand(io, values, stop));
      case 'export':
        return await exportCommand(io, values);
      case 'envs':
        return await envsCommand(io);
      case 'models':
        return await modelsCommand(io, values);
      case 'stats':
        return await statsCommand(io, values);
      case 'wm-eval':
        return await wmEvalCommand(io, values, signal);
      case 'episodes':
        return await episodesCommand(io, values);
      default:
        return await showCommand(io, rest[0], values);
    }
  } catch (error) {
    if (error instanceof ConfigError || error instanceof StoreError) {
      io.stderr.write(`worldloop: ${error.message}\n`);
      return 2;
    }
    const message = error instanceof WorldloopError ? error.message : error instanceof Error ? (error.stack ?? error.message) : String(error);
    io.stderr.write(`worldloop: ${message}\n`);
    return 1;
  }
}
