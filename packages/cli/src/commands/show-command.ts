// `worldloop show <episode>`: prints one recorded episode step by step, with the ASCII map, and the
// memories each step recalled and wrote, and the lessons drawn from it, from the run's memory file.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { SqliteMemoryStore } from '@worldloop/memory-sqlite';
import { ConfigError, StoreError, type MemoryRecord, type MemoryReference, type ObservationRecord, type StepRecord } from '@worldloop/spec';
import type { CliIo } from '../cli-io.js';
import { openStore } from '../open-store.js';
import { integerOption } from '../option-values.js';

/** Flags of `worldloop show`. */
export interface ShowFlags {
  readonly db?: string;
  /** The memory file to read recalled and written memories from (default: the run's, as recorded), or `off`. */
  readonly memory?: string;
}

/** Characters of a memory's text shown on its line. */
const memoryTextWidth = 100;
/** Characters of a model's stated reasoning, or of a correction sent to it, shown on its line. */
const thoughtWidth = 200;

/** Prints the episode with this id. */
export async function showCommand(io: CliIo, episodeArgument: string | undefined, flags: ShowFlags): Promise<number> {
  if (episodeArgument === undefined) throw new ConfigError('worldloop show needs an episode id. List them with `worldloop episodes`.');
  const episodeId = integerOption('episode', episodeArgument, 0, { min: 1 });
  const store = openStore(io, flags.db, { existing: true });
  let memory: { readonly store?: SqliteMemoryStore; readonly note?: string } = {};
  try {
    const episode = await store.getEpisode(episodeId);
    if (!episode) throw new ConfigError(`No episode ${episodeId} in ${store.location}. List them with \`worldloop episodes\`.`);
    const out = (text: string): unknown => io.stdout.write(text);
    out(`Episode ${episode.id} (run ${episode.runId}, index ${episode.episodeIndex}) of ${episode.environmentId}, seed ${episode.seed}\n`);
    if (episode.mission) out(`Mission: ${episode.mission}\n`);
    out(
      `Status: ${episode.status}; success: ${episode.success ? 'yes' : 'no'}; reward ${(episode.totalReward ?? 0).toFixed(3)}; ` +
        `${episode.stepCount ?? 0} steps, ${episode.invalidActionCount ?? 0} refused${episode.error ? `; error: ${episode.error}` : ''}\n`,
    );
    memory = await openEpisodeMemory(io, flags.memory, (await store.getRun(episode.runId))?.config);
    if (memory.note) out(`${memory.note}\n`);
    for await (const step of store.readSteps(episodeId)) {
      out(`\n── step ${step.stepIndex} ──\n`);
      out(renderObservation(step.observation));
      const executed = step.executedAction !== undefined && step.executedAction !== step.action ? ` (executed as ${JSON.stringify(step.executedAction)})` : '';
      if (step.reasoning) out(`  thought: ${oneLine(step.reasoning, thoughtWidth)}\n`);
      if (step.modelCalls.length > 0) out(`  ${describeModelCalls(step.modelCalls)}\n`);
      for (const correction of corrections(step.policyInfo)) out(`  corrected: ${oneLine(correction, thoughtWidth)}\n`);
      out(`> ${step.action}${executed}\n`);
      for (const { call, result } of step.toolCalls) {
        out(`  tool ${call.name}(${JSON.stringify(call.arguments)}) → ${result.ok ? JSON.stringify(result.output) : `error ${result.error.code}: ${result.error.message}`}\n`);
      }
      if (!step.accepted) out(`  refused: ${step.feedback}\n`);
      if (memory.store) {
        out(await memoryLines(memory.store, 'recalled', step.memoryReads));
        out(await memoryLines(memory.store, 'remembered', step.memoryWrites));
      }
      const flags = [step.terminated ? 'terminated' : '', step.truncated ? 'truncated' : ''].filter(Boolean).join(', ');
      out(`  reward ${step.reward}${flags ? `, ${flags}` : ''}\n`);
    }
    if (episode.finalObservation) {
      out('\n── final ──\n');
      out(renderObservation(episode.finalObservation));
    }
    if (memory.store) {
      // Reflections and skills carry the episode's provenance; newest last, as they were written.
      const byRecency = { lexical: 0, vector: 0, recency: 1, importance: 0 };
      const lessons = await memory.store.recall({ episodeId, kinds: ['reflection', 'skill'], limit: 100, weights: byRecency });
      if (lessons.length > 0) {
        out('\n── lessons of this episode ──\n');
        for (const { record } of [...lessons].reverse()) out(`  ${describeMemory(record)}${record.links ? ` (from #${record.links.join(', #')})` : ''}\n`);
      }
    }
    return 0;
  } finally {
    await memory.store?.close();
    await store.close();
  }
}

/** The memory store to trace an episode's memories in, or a note saying why there is none. */
async function openEpisodeMemory(io: CliIo, flag: string | undefined, runConfig: unknown): Promise<{ readonly store?: SqliteMemoryStore; readonly note?: string }> {
  if (flag === 'off') return {};
  const recorded = typeof runConfig === 'object' && runConfig !== null ? (runConfig as { memory?: { path?: unknown } }).memory?.path : undefined;
  const path = flag !== undefined ? resolve(io.cwd, flag) : typeof recorded === 'string' ? recorded : undefined;
  if (path === undefined) return {};
  if (!existsSync(path)) {
    if (flag !== undefined) throw new ConfigError(`--memory ${path} does not exist; give the memory file the run wrote (its --memory), or --memory off.`);
    return { note: `(the run's memory file ${path} is gone: memories are shown by id only)` };
  }
  try {
    return { store: SqliteMemoryStore.open(path) };
  } catch (error) {
    if (error instanceof StoreError || error instanceof ConfigError) return { note: `(the memory file ${path} cannot be read, so memories are shown by id only: ${error.message})` };
    throw error;
  }
}

/** `  recalled #12 (0.83) reflection: text…`, one line per memory referenced. */
async function memoryLines(memory: SqliteMemoryStore, verb: string, references: readonly MemoryReference[]): Promise<string> {
  if (references.length === 0) return '';
  const records = new Map((await memory.get(references.map((reference) => reference.id))).map((record) => [record.id, record]));
  return references
    .map(({ id, score }) => {
      const record = records.get(id);
      const scored = score === undefined ? '' : ` (${score.toFixed(2)})`;
      return `  ${verb}${scored} ${record ? describeMemory(record) : `#${id} (not in the memory file)`}\n`;
    })
    .join('');
}

function describeMemory(record: MemoryRecord): string {
  return `#${record.id} ${record.kind}: ${oneLine(record.text, memoryTextWidth)}`;
}

/** `text` on one line, cut to `width` characters with an ellipsis. */
function oneLine(text: string, width: number): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > width ? `${flat.slice(0, width - 1)}…` : flat;
}

/** `model: 2 calls to vllm/Qwen2.5-7B, 3,120 prompt tokens (2,900 cached), 41 generated, 812 ms`. */
function describeModelCalls(calls: StepRecord['modelCalls']): string {
  const models = [...new Set(calls.map((call) => (call.model ? `${call.model.provider}/${call.model.modelId}` : undefined)).filter((name) => name !== undefined))];
  const sum = (value: (call: StepRecord['modelCalls'][number]) => number | undefined) => calls.reduce((total, call) => total + (value(call) ?? 0), 0);
  const prompt = sum((call) => call.result.usage?.promptTokens);
  const cached = sum((call) => call.result.usage?.cachedPromptTokens);
  const generated = sum((call) => call.result.usage?.completionTokens);
  const milliseconds = sum((call) => call.result.timings?.totalMs);
  const usage = calls.some((call) => call.result.usage !== undefined)
    ? `, ${prompt.toLocaleString('en-US')} prompt tokens${cached > 0 ? ` (${cached.toLocaleString('en-US')} cached)` : ''}, ${generated.toLocaleString('en-US')} generated`
    : '';
  return `model: ${calls.length} call${calls.length === 1 ? '' : 's'}${models.length > 0 ? ` to ${models.join(', ')}` : ''}${usage}, ${Math.round(milliseconds).toLocaleString('en-US')} ms`;
}

/** The corrections an LLM policy sent the model at this step (its `policyInfo.corrections`). */
function corrections(info: StepRecord['policyInfo']): readonly string[] {
  const list = info?.['corrections'];
  return Array.isArray(list) ? list.filter((item): item is string => typeof item === 'string') : [];
}

function renderObservation(observation: ObservationRecord): string {
  const map = observation.parts?.find((part) => part.type === 'text' && part.label === 'map');
  return `${map && map.type === 'text' ? `${map.text}\n` : ''}${observation.text}\n`;
}
