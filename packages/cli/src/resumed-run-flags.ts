// The flags of `worldloop run --resume <run>`: the run's recorded flags, with any flag given again
// checked against them (a different value is a ConfigError), so a resume repeats the run exactly.
import { resolve } from 'node:path';
import { ConfigError, type JsonValue, type RunRecord } from '@worldloop/spec';
import type { CliIo } from './cli-io.js';
import { openStore } from './open-store.js';
import { integerOption } from './option-values.js';

/** Flags that say where to record, trace or what to resume, never recorded with a run. */
const UNRECORDED_FLAGS = new Set(['db', 'resume', 'trace']);

/**
 * Flags naming a file (or `off`), recorded as absolute paths (so is a `llama-cpp:` model's file):
 * a relative one given again is resolved against the working directory.
 */
const PATH_FLAGS = new Set(['memory']);

/** Flags whose default is `off`: a run recorded without one was recorded with it off, so `--<flag> off` matches. */
const OFF_BY_DEFAULT = new Set(['memory', 'reflect']);

/** What `--resume` found: the flags to run with, or why there is nothing to do. */
export type ResumedRunFlags<Flags> =
  | { readonly runId: number; readonly flags: Flags; readonly nothingToDo?: undefined }
  | { readonly runId: number; readonly nothingToDo: string };

/**
 * The flags to run with for `--resume`: the run's recorded flags, plus `--db`, `--resume` and `--trace`.
 * A flag given again must have the recorded value (numbers compare as numbers, files as absolute
 * paths, `--memory off` and `--reflect off` match a run recorded without them); anything else is
 * a ConfigError naming both values, and so is a run that does not exist. A finished run gives
 * `nothingToDo` instead: the message to print.
 */
export async function resumedRunFlags<Flags extends { readonly env?: string; readonly db?: string; readonly resume?: string }>(
  io: CliIo,
  given: Flags,
): Promise<ResumedRunFlags<Flags>> {
  const runId = integerOption('resume', given.resume, 0, { min: 1 });
  const store = openStore(io, given.db, { existing: true });
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
    const same = PATH_FLAGS.has(name)
      ? samePath(io.cwd, String(value), before)
      : name === 'model'
        ? sameModel(io.cwd, String(value), before)
        : before === undefined ? OFF_BY_DEFAULT.has(name) && String(value) === 'off' : sameValue(String(value), before);
    if (!same) {
      throw new ConfigError(
        `--resume ${runId}: run ${runId} was recorded ${before === undefined ? `without --${name}` : `with --${name} ${before}`}, so --${name} ${String(value)} conflicts. A resume repeats the recorded run; leave --${name} out, or start a new run.`,
      );
    }
  }
  // Where to record and trace are this invocation's: taken as given, never from the recording.
  const unrecorded = Object.fromEntries(Object.entries(given).filter(([name, value]) => value !== undefined && UNRECORDED_FLAGS.has(name)));
  return { runId, flags: { ...recorded, ...unrecorded } as unknown as Flags };
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

/** A path flag given again names the recorded file (`off` matches `off`, and a run recorded without the flag). */
function samePath(cwd: string, given: string, recorded: string | undefined): boolean {
  if (recorded === undefined) return given === 'off';
  if (given === 'off' || recorded === 'off') return given === recorded;
  return resolve(cwd, given) === resolve(cwd, recorded);
}

/** `--model llama-cpp:<file>` given again names the recorded file; other specs compare as text. */
function sameModel(cwd: string, given: string, recorded: string | undefined): boolean {
  if (recorded === undefined) return false;
  const prefix = 'llama-cpp:';
  if (!given.startsWith(prefix) || !recorded.startsWith(prefix)) return given === recorded;
  return resolve(cwd, given.slice(prefix.length)) === resolve(cwd, recorded.slice(prefix.length));
}

function isRecord(value: JsonValue | undefined): value is { readonly [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
