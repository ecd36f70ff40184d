// `worldloop run`: runs N episodes of an environment with a policy, records them to SQLite, shows
// progress, and ends with a summary table. Ctrl-C stops cleanly: episodes in flight are recorded
// as aborted and the run as aborted. `--resume <run>` continues a run that was killed or stopped.
import { execFileSync } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Agent, ExpertPolicy, LlmPolicy, RandomPolicy, Runner, SyncVectorEnvironment } from '@worldloop/core';
import { ConfigError, type Policy } from '@worldloop/spec';
import type { CliIo } from '../cli-io.js';
import { defaultEnvironments } from '../default-environments.js';
import { openModel, parseModelSpec, type OpenedModel } from '../model-spec.js';
import { offlinePlannerPolicy, plannerEnvironmentOptions } from '../offline-planner-policy.js';
import { openStore } from '../open-store.js';
import { flagsToRecord, resumedRunFlags } from '../resumed-run-flags.js';
import { resumeRun, WriterProcess, type RunResume } from '@worldloop/trajectory';
import { choiceOption, integerOption, numberOption, requiredOption } from '../option-values.js';
import { ProgressDisplay } from '../progress-display.js';
import { RunMemory, runMemorySettings } from '../run-memory.js';
import { RunTrace } from '../run-trace.js';
import { formatRate } from '../rate-format.js';
import { formatSuccessByBlock } from '../success-by-block.js';
import { formatTable } from '../text-table.js';
import { WORLDLOOP_VERSION } from '../version.js';

/** Flags of `worldloop run`. */
export interface RunFlags {
  readonly env?: string;
  readonly policy?: string;
  readonly episodes?: string;
  readonly concurrency?: string;
  readonly seed?: string;
  readonly 'max-steps'?: string;
  readonly db?: string;
  readonly model?: string;
  readonly 'action-mode'?: string;
  readonly temperature?: string;
  readonly 'max-tokens'?: string;
  readonly threads?: string;
  readonly 'context-tokens'?: string;
  /** Id of a run to continue with its recorded flags (see resumedRunFlags). */
  readonly resume?: string;
  /** Step the episodes in flight together through a vector environment (text `true` when read back by a resume). */
  readonly vectorize?: boolean | string;
  /** Episodic memory file, or `off` (default); see RunMemory. */
  readonly memory?: string;
  /** `rule`, `model` or `off` (default): how lessons are drawn into the memory. */
  readonly reflect?: string;
  /** Write skills on success and show them to LLM policies (text `true` when read back by a resume). */
  readonly skills?: boolean | string;
  /** OpenTelemetry spans of the run to an OTLP/HTTP URL or a JSON-lines file (see RunTrace). */
  readonly trace?: string;
}

/**
 * `planner` (the default without `--model`) plans over a tabular world model it learns as the run
 * goes: no model needed, and it gets better with experience; `llm` thinks with the `--model` backend
 * (the default when `--model` is given); `expert` is the environment's own solver; `random` draws
 * primitive actions (the usual baseline); `random-valid` also draws text commands.
 */
const POLICIES = ['expert', 'random', 'random-valid', 'llm', 'planner'] as const;
const ACTION_MODES = ['auto', 'native', 'text'] as const;

/** Runs and records episodes; returns the exit code (130 when interrupted). */
export async function runCommand(io: CliIo, givenFlags: RunFlags, signal?: AbortSignal): Promise<number> {
  const resuming = givenFlags.resume === undefined ? undefined : await resumedRunFlags(io, givenFlags);
  if (resuming?.nothingToDo !== undefined) {
    io.stdout.write(resuming.nothingToDo);
    return 0;
  }
  const flags = resuming?.flags ?? givenFlags;
  const environmentId = requiredOption('env', flags.env, 'Run `worldloop envs` to list environments.');
  const policyName = choiceOption('policy', flags.policy, POLICIES, flags.model !== undefined ? 'llm' : 'planner');
  if (policyName === 'llm' && flags.model === undefined) throw new ConfigError('--policy llm needs --model <spec>. Run `worldloop --help` for the forms.');
  if (policyName !== 'llm' && flags.model !== undefined) throw new ConfigError(`--model is used by --policy llm only, not ${policyName}.`);
  const modelSpec = flags.model !== undefined ? parseModelSpec(flags.model) : undefined;
  if (modelSpec === undefined && (flags['action-mode'] !== undefined || flags.temperature !== undefined || flags['max-tokens'] !== undefined)) {
    throw new ConfigError('--temperature, --max-tokens and --action-mode apply to --policy llm (with --model) only.');
  }
  const actionMode = choiceOption('action-mode', flags['action-mode'], ACTION_MODES, 'auto');
  const temperature = numberOption('temperature', flags.temperature, { min: 0, max: 5 });
  const maxTokens = flags['max-tokens'] === undefined ? undefined : integerOption('max-tokens', flags['max-tokens'], 0, { min: 1, max: 1_000_000 });
  const threads = flags.threads === undefined ? undefined : integerOption('threads', flags.threads, 0, { min: 1, max: 512 });
  const contextTokens = flags['context-tokens'] === undefined ? undefined : integerOption('context-tokens', flags['context-tokens'], 0, { min: 256, max: 1_048_576 });
  if ((threads !== undefined || contextTokens !== undefined) && modelSpec?.backend !== 'llama-cpp') {
    throw new ConfigError('--threads and --context-tokens apply to in-process models (--model llama-cpp:<file.gguf>) only.');
  }
  // Bounded: the runner keeps an array of results per episode (billions would not even allocate).
  const episodes = integerOption('episodes', flags.episodes, 10, { min: 1, max: 1_000_000 });
  const concurrency = integerOption('concurrency', flags.concurrency, 1, { min: 1, max: 1024 });
  const baseSeed = integerOption('seed', flags.seed, 0, { min: 0, max: 2 ** 31 - 1 });
  const maxSteps = flags['max-steps'] === undefined ? undefined : integerOption('max-steps', flags['max-steps'], 0, { min: 1 });
  const memorySettings = runMemorySettings(flags, modelSpec !== undefined);
  const spec = defaultEnvironments().get(environmentId);
  // Same results either way; natively vectorised where the spec can (gridworld), else the generic adapter.
  const vectorize = flags.vectorize === true || flags.vectorize === 'true';

  const store = openStore(io, flags.db);
  let opened: OpenedModel | undefined;
  let memory: RunMemory | undefined;
  let trace: RunTrace | undefined;
  try {
    if (modelSpec) {
      opened = await openModel(modelSpec, {
        parallelism: concurrency,
        cwd: io.cwd,
        ...(threads !== undefined ? { threads } : {}),
        ...(contextTokens !== undefined ? { contextTokens } : {}),
      });
    }
    const sampling = { ...(temperature !== undefined ? { temperature } : {}), ...(maxTokens !== undefined ? { maxTokens } : {}) };
    // The planner keys its world model on features some environments add only when asked.
    const environmentOptions = policyName === 'planner' ? plannerEnvironmentOptions(environmentId) : {};
    const policy: Policy = opened
      ? new LlmPolicy({ model: opened.model, actionMode, sampling })
      : policyName === 'expert'
        ? new ExpertPolicy()
        : policyName === 'planner'
          ? offlinePlannerPolicy(environmentId)
          : new RandomPolicy({ level: policyName === 'random' ? 'primitive' : 'valid' });
    memory = memorySettings === undefined
      ? undefined
      : RunMemory.open(io, memorySettings, {
          environmentId,
          ...(opened ? { model: opened.model } : {}),
          showSkills: policy instanceof LlmPolicy,
          onWarning: (warning) => io.stderr.write(`reflection: ${warning}\n`),
          ...(signal ? { signal } : {}),
        });
    const agent = new Agent({ policy, store, ...(memory ? { memory: memory.agentMemory } : {}) });
    memory?.attach(agent.events);
    if (flags.trace !== undefined) {
      trace = RunTrace.open(io, flags.trace, policy.name);
      trace.attach(agent.events);
    }
    const progress = new ProgressDisplay(io);
    agent.events.on('run-progress', (event) => progress.update(event));
    agent.events.on('error', ({ episode, error }) => {
      progress.finish();
      io.stderr.write(`error${episode ? ` in episode ${episode.episodeIndex}` : ''}: ${error.message}\n`);
    });
    const writer = WriterProcess.current();
    const resumed = resuming === undefined ? undefined : await resumeRun(store, resuming.runId, writer);
    if (resumed !== undefined && resumed.pendingEpisodeIndices.length === 0) {
      io.stdout.write(`${describeResume(resumed)}; no episode was left to run, so run ${resumed.run.id} is now finished.\n`);
      return 0;
    }
    const summary = await new Runner(agent).run({
      ...(vectorize
        ? { createVectorEnvironment: (size: number) => spec.createVector?.(size, environmentOptions) ?? SyncVectorEnvironment.of(size, () => spec.create(environmentOptions)) }
        : { createEnvironment: () => spec.create(environmentOptions) }),
      episodes,
      ...(resumed !== undefined ? { runId: resumed.run.id, episodeIndices: resumed.pendingEpisodeIndices } : {}),
      writer: writer.toString(),
      concurrency,
      baseSeed,
      ...(maxSteps !== undefined ? { maxSteps } : {}),
      ...(signal ? { signal } : {}),
      config: {
        command: 'run',
        env: environmentId,
        policy: policy.name,
        model: flags.model ?? null,
        actionMode: opened ? actionMode : null,
        sampling: opened ? sampling : null,
        episodes,
        concurrency,
        seed: baseSeed,
        maxSteps: maxSteps ?? null,
        memory: memory?.config ?? null,
        // What the model spec resolved to, and where it ran: for reading the data later.
        modelId: opened ? opened.model.modelId : null,
        modelProvider: opened ? opened.model.provider : null,
        runtime: { node: process.version, platform: `${process.platform}-${process.arch}` },
        // What `--resume` repeats: every flag given, defaults filled in.
        flags: flagsToRecord(flags, {
          env: environmentId,
          policy: policyName,
          episodes,
          concurrency,
          seed: baseSeed,
          'max-steps': maxSteps,
          // A GGUF file as an absolute path too (the config's `model` keeps the spec as given).
          model: modelSpec?.backend === 'llama-cpp' ? `llama-cpp:${resolve(io.cwd, modelSpec.path)}` : undefined,
          vectorize: vectorize ? 'true' : undefined,
          // The memory file as an absolute path, so a resume from another directory keeps using it.
          ...(memorySettings !== undefined
            ? { memory: resolve(io.cwd, memorySettings.path), reflect: memorySettings.reflect, skills: memorySettings.skills ? 'true' : undefined }
            : {}),
        }),
      },
      worldloopVersion: WORLDLOOP_VERSION,
      ...gitCommit(),
      progressIntervalMs: io.isTTY ? 100 : 0,
    });
    progress.finish();
    if (resumed !== undefined) io.stdout.write(`${describeResume(resumed)}; ran ${resumed.pendingEpisodeIndices.length} episodes left of ${episodes}:\n`);
    io.stdout.write(
      formatTable(
        ['run', 'environment', 'policy', 'episodes', 'success rate', 'mean reward', 'mean steps', 'invalid actions', 'failed', 'steps/s'],
        [[
          summary.runId ?? '-',
          summary.environmentId,
          summary.policy,
          summary.episodes.length,
          `${(100 * summary.successRate).toFixed(1)}%`,
          summary.meanReward.toFixed(3),
          summary.meanSteps.toFixed(1),
          summary.invalidActions,
          summary.failedEpisodes,
          formatRate(summary.stepsPerSecond),
        ]],
      ),
    );
    const curve = formatSuccessByBlock(summary.episodes);
    if (curve !== undefined) io.stdout.write(`${curve}\n`);
    io.stdout.write(`recorded to ${store.location}${summary.status === 'aborted' ? ' (run aborted)' : ''}\n`);
    if (memory !== undefined) io.stdout.write(`${memory.describe()}\n`);
    return summary.status === 'aborted' ? 130 : 0;
  } finally {
    await trace?.close();
    await memory?.close();
    await opened?.close();
    await store.close();
  }
}

/** `resumed run 3 (2 interrupted episodes marked aborted)`. */
function describeResume(resumed: RunResume): string {
  const aborted = resumed.abortedEpisodes;
  return `resumed run ${resumed.run.id}${aborted > 0 ? ` (${aborted} interrupted episode${aborted === 1 ? '' : 's'} marked aborted, re-run from ${aborted === 1 ? 'its seed' : 'their seeds'})` : ''}`;
}

/** The commit of worldloop's own source, when it runs from a git checkout (not of the working directory). */
function gitCommit(): { gitCommit?: string } {
  try {
    const source = dirname(fileURLToPath(import.meta.url));
    const commit = execFileSync('git', ['rev-parse', 'HEAD'], { cwd: source, stdio: ['ignore', 'pipe', 'ignore'] }).toString().trim();
    return /^[0-9a-f]{40}$/.test(commit) ? { gitCommit: commit } : {};
  } catch {
    return {};
  }
}
