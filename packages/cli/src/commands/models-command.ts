// `worldloop models --probe <spec>`: opens a model backend and prints what it supports, so a
// server's address, model id and tool support can be checked before a long run.
import { ConfigError } from '@worldloop/spec';
import type { CliIo } from '../cli-io.js';
import { openModel, parseModelSpec } from '../model-spec.js';
import { integerOption } from '../option-values.js';
import { formatTable } from '../text-table.js';

/** Flags of `worldloop models`. */
export interface ModelsFlags {
  readonly probe?: string;
  readonly threads?: string;
}

/** Probes the backend named by `--probe` and prints its model and capabilities. */
export async function modelsCommand(io: CliIo, flags: ModelsFlags): Promise<number> {
  if (flags.probe === undefined) throw new ConfigError('worldloop models needs --probe <spec>, e.g. --probe ollama:http://127.0.0.1:11434/v1 or --probe llama-cpp:./model.gguf.');
  const spec = parseModelSpec(flags.probe);
  const threads = flags.threads === undefined ? undefined : integerOption('threads', flags.threads, 0, { min: 1, max: 512 });
  if (threads !== undefined && spec.backend !== 'llama-cpp') throw new ConfigError('--threads applies to in-process models (--probe llama-cpp:<file.gguf>) only.');
  const opened = await openModel(spec, { parallelism: 1, cwd: io.cwd, ...(threads !== undefined ? { threads } : {}) });
  try {
    const { model } = opened;
    const { capabilities } = model;
    io.stdout.write(
      formatTable(
        ['provider', 'model', 'tool calls', 'json schema', 'logprobs', 'images', 'context tokens'],
        [[model.provider, model.modelId, yes(capabilities.toolCalls), yes(capabilities.jsonSchema), yes(capabilities.logprobs), yes(capabilities.images), capabilities.contextTokens]],
      ),
    );
    const probe = 'probe' in model && typeof model.probe === 'function' ? await (model.probe as () => Promise<{ server: string; models: readonly { id: string }[]; warnings: readonly string[] }>)() : undefined;
    if (probe) {
      io.stdout.write(`server: ${probe.server}; models: ${probe.models.map((entry) => entry.id).join(', ') || '(none listed)'}\n`);
      for (const warning of probe.warnings) io.stdout.write(`warning: ${warning}\n`);
    }
    return 0;
  } finally {
    await opened.close();
  }
}

function yes(value: boolean): string {
  return value ? 'yes' : 'no';
}
