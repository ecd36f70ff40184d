// The flags of `worldloop run --resume <run>`: the run's recorded flags, with any flag given again
// checked against them (a different value is a ConfigError), so a resume repeats the run exactly.
import { ConfigError, type JsonValue, type RunRecord } from '@worldloop/spec';
import type { CliIo } from './cli-io.js';
import { openStore } from './open-store.js';
import { integerOption } from './option-values.js';

/** Flags that say where to record, trace or what to resume, never recorded with a run. */
const UNRECORDED_FLAGS = new Set(['db', 'resume', 'trace']);

/** What `--resume` found: the flags to run with, or why there is nothing to do. */
export type ResumedRunFlags<Flags> =
  | { readonly runId: number; readonly flags: Flags; readonly nothingToDo?: undefined }
  | { readonly runId: number; readonly nothingToDo: string };

/**
 * The flags to run with for `--resume`: the run's recorded flags, plus `--db` and `--resume`.
 * A flag given again must have the recorded value (numbers compare as numbers); anything else is
 * a ConfigError naming both values, and so is a run that does not exist. A finished run gives
 * `nothingToDo` instead: the message to print.
 */
export async function resumedRunFlags<Flags extends { readonly env?: string; readonly db?: string; readonly resume?: string }>(
  io: CliIo,
  given: Flags,
): Promise<ResumedRunFlags<Flags>> {
  const runId = integerOption('resume', given.resume, 0, { min: 1 });
  const store = openStore(io, given.db);
  let run: RunRecord | undefined;
  try {
    run = await store.getRun(runId);
    if (run === undefined) {
      const latest = (await store.listRuns({ limit: 1 }))[0];
      throw new ConfigError(
        `--resume ${runId}: no run ${runId} is recorded in ${store.location}${latest === undefined ? ' (it holds no run yet)' : ` (the latest run is ${latest.id})`}. Check --resume and --db; \`worldloop stats --db PATH\` lists what is recorded.`,
      );
    }
    if (run.status === 'finished') {
      const complete = (await store.listEpisodes({ runId, status: 'finished' })).length;
      return { runId, nothingToDo: `Run ${runId} is already finished (${complete} of ${run.episodesRequested} episodes finished); nothing to resume.\n` };
    }
  } finally {
    await store.close();
  }
  const recorded = recordedFlags(run);
  if (given.env !== undefined && given.env !== recorded.env) {
    throw new ConfigError(
      `--resume ${runId}: run ${runId} was recorded with --env ${recorded.env ?? run.environmentId}, not ${given.env}. Leave --env out (the run's own is used) or resume the right run.`,
    );
  }
  for (const [name, value] of Object.entries(given)) {
    if (value === undefined || UNRECORDED_FLAGS.has(name)) continue;
    const before = recorded[name];
    if (before === undefined || !sameValue(String(value), before)) {
      throw new ConfigError(
        `--resume ${runId}: run ${runId} was recorded ${before === undefined ? `without --${name}` : `with --${name} ${before}`}, so --${name} ${String(value)} conflicts. A resume repeats the recorded run; leave --${name} out, or start a new run.`,
      );
    }
  }
  return { runId, flags: { ...recorded, ...(given.db !== undefined ? { db: given.db } : {}), resume: given.resume } as unknown as Flags };
}

/**
 * The flags to record with a run so `--resume` can repeat it: every flag given (but `--db` and
 * `--resume`) with the effective values of the ones that have defaults, as strings.
 */
export function flagsToRecord(given: object, effective: Record<string, string | number | undefined>): Record<string, string> {
  const flags: Record<string, string> = {};
  for (const [name, value] of Object.entries(given)) {
    if (typeof value === 'string' && !UNRECORDED_FLAGS.has(name)) flags[name] = value;
  }
  for (const [name, value] of Object.entries(effective)) if (value !== undefined) flags[name] = String(value);
  return flags;
}

/** The run's recorded flags; for runs recorded before flags were, rebuilt from the config's fields. */
function recordedFlags(run: RunRecord): Record<string, string> {
  const config = isRecord(run.config) ? run.config : {};
  if (isRecord(config.flags)) {
    return Object.fromEntries(Object.entries(config.flags).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
  }
  const sampling = isRecord(config.sampling) ? config.sampling : {};
  const flags: Record<string, string | number | JsonValue | undefined> = {
    env: run.environmentId,
    policy: typeof config.model === 'string' ? 'llm' : run.policy,
    episodes: run.episodesRequested,
    concurrency: run.concurrency,
    seed: run.baseSeed,
    'max-steps': run.maxSteps,
    model: config.model ?? undefined,
    'action-mode': config.actionMode ?? undefined,
    temperature: sampling.temperature,
    'max-tokens': sampling.maxTokens,
  };
  return Object.fromEntries(
    Object.entries(flags).filter(([, value]) => value !== undefined && value !== null).map(([name, value]) => [name, String(value)]),
  );
}

/** Flag values compare as numbers when both are numbers (`--seed 07` is `--seed 7`), else as text. */
function sameValue(given: string, recorded: string): boolean {
  const number = Number(given);
  if (given.trim() !== '' && recorded.trim() !== '' && Number.isFinite(number) && Number.isFinite(Number(recorded))) return number === Number(recorded);
  return given === recorded;
}

function isRecord(value: JsonValue | undefined): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
