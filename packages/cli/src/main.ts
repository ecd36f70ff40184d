// The `worldloop` command: parses arguments, dispatches to a command, maps errors to exit codes
// (2 for usage and configuration errors, 1 for failures, 130 when interrupted).
import { parseArgs } from 'node:util';
import { ConfigError, StoreError, WorldloopError } from '@worldloop/spec';
import { processIo, type CliIo } from './cli-io.js';
import { envsCommand } from './commands/envs-command.js';
import { episodesCommand } from './commands/episodes-command.js';
import { modelsCommand } from './commands/models-command.js';
import { runCommand } from './commands/run-command.js';
import { showCommand } from './commands/show-command.js';
import { WORLDLOOP_VERSION } from './version.js';

const HELP = `worldloop ${WORLDLOOP_VERSION}: agents that live in worlds

Usage:
  worldloop run --env <id> [--policy expert|random|random-valid|llm] [--episodes N] [--concurrency N]
                [--seed N] [--max-steps N] [--db PATH]
                [--model SPEC] [--action-mode auto|native|text] [--temperature X] [--max-tokens N]
                [--threads N] [--context-tokens N]   (the last two: in-process llama-cpp models)
  worldloop models --probe SPEC [--threads N]  what a model backend supports
  worldloop envs                              list registered environments
  worldloop episodes [--run ID] [--env ID] [--limit N] [--db PATH]
  worldloop show <episode> [--db PATH]        print an episode step by step

Policies: expert (the environment's own solver), random (uniform over primitive actions),
random-valid (uniform over every valid action, text commands included), llm (a language model;
the default when --model is given).

Model specs: openai-compatible:<url>[#model] for any OpenAI-compatible server, or the same with
vllm:, sglang:, llama-server:, ollama:, lmstudio: to name the server (e.g.
vllm:http://127.0.0.1:8000/v1#Qwen/Qwen2.5-7B-Instruct, ollama:http://127.0.0.1:11434/v1#qwen2.5:7b);
llama-cpp:<file.gguf> runs a GGUF model in process. WORLDLOOP_API_KEY is sent as a bearer token.

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
  probe: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  version: { type: 'boolean' },
} as const;

/** Which flags each command takes; anything else is a usage error. */
const COMMAND_FLAGS: Record<string, readonly string[]> = {
  run: ['env', 'policy', 'episodes', 'concurrency', 'seed', 'max-steps', 'db', 'model', 'action-mode', 'temperature', 'max-tokens', 'threads', 'context-tokens'],
  models: ['probe', 'threads'],
  envs: [],
  episodes: ['db', 'run', 'env', 'limit'],
  show: ['db'],
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
      case 'run': {
        const controller = new AbortController();
        const onInterrupt = (): void => {
          io.stderr.write('\ninterrupted: finishing the episodes in flight as aborted (Ctrl-C again to force)\n');
          controller.abort();
          process.off('SIGINT', onInterrupt);
        };
        signal?.addEventListener('abort', () => controller.abort(), { once: true });
        process.on('SIGINT', onInterrupt);
        try {
          return await runCommand(io, values, controller.signal);
        } finally {
          process.off('SIGINT', onInterrupt);
        }
      }
      case 'envs':
        return await envsCommand(io);
      case 'models':
        return await modelsCommand(io, values);
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
