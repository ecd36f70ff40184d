// Every export format on real recorded gridworld runs (expert, random, an LLM agent with tool calls
// in native and text mode, a model-free policy calling a tool): structural rules on every line,
// counts read back, Parquet read back with hyparquet, JSONL read with Debian's pandas, filters,
// the deterministic split, resumed episodes, and bad input.
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { ConfigError, StoreError } from '@worldloop/spec';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { datasetFormat, datasetFormats } from './dataset-formats.js';
import { datasetSplit } from './dataset-split.js';
import { exportDataset, type ExportResult } from './export-dataset.js';
import { transitionColumns } from './export-transitions.js';
import { worldModelColumns } from './export-world-model.js';
import { recordGridworldRuns } from './fixtures/record-gridworld-runs.js';
import { SqliteTrajectoryStore } from './sqlite-trajectory-store.js';

let directory: string;
let database: string;
let runs: Awaited<ReturnType<typeof recordGridworldRuns>>;

beforeAll(async () => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-export-'));
  database = join(directory, 'worldloop.db');
  runs = await recordGridworldRuns(database);
});
afterAll(() => rmSync(directory, { recursive: true, force: true }));

let exportCount = 0;
/** Exports `name` into a fresh file and returns the result with every line of every file, parsed. */
function exportLines(name: string, options: { filter?: Parameters<typeof exportDataset>[1]['filter']; validationFraction?: number } = {}) {
  const format = datasetFormat(name);
  const outputPath = join(directory, `export-${++exportCount}`, `${name}.${format.file.kind}`);
  const result = exportDataset(format, { databasePath: database, outputPath, now: () => new Date(0), ...options });
  const lines = format.file.kind === 'jsonl' ? result.files.flatMap((file) => jsonLines(file.path)) : [];
  return { result, lines };
}

function jsonLines(path: string): Record<string, any>[] {
  const text = readFileSync(path, 'utf8');
  return text === '' ? [] : text.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, any>);
}

/** Straight from SQL: finished episodes, latest attempt, optionally one run. */
function expectedEpisodes(where = '1 = 1'): { episodes: number; steps: number } {
  const connection = new Database(database, { readonly: true });
  try {
    return connection
      .prepare(
        `SELECT count(*) AS episodes, coalesce(sum((SELECT count(*) FROM steps s WHERE s.episode_id = e.id)), 0) AS steps FROM episodes e
         WHERE e.status = 'finished' AND e.attempt = (SELECT max(attempt) FROM episodes l WHERE l.run_id = e.run_id AND l.episode_index = e.episode_index) AND ${where}`,
      )
      .get() as { episodes: number; steps: number };
  } finally {
    connection.close();
  }
}

function totalRows(result: ExportResult): number {
  return result.files.reduce((sum, file) => sum + file.rows, 0);
}

describe('openai-chat', () => {
  it('holds to the fine-tuning format on every line: JSON-string arguments, every tool_call_id answered but the final reply\'s, weights', () => {
    const { result, lines } = exportLines('openai-chat', { validationFraction: 0.3 });
    expect(lines).toHaveLength(expectedEpisodes().episodes);
    expect(totalRows(result)).toBe(lines.length);
    let toolCalls = 0;
    let weightZero = 0;
    for (const line of lines) {
      expect(Object.keys(line).every((key) => key === 'messages' || key === 'tools')).toBe(true);
      const messages = line.messages as Record<string, any>[];
      expect(messages[0]!.role).toBe('system');
      expect(messages.some((message) => message.role === 'assistant')).toBe(true);
      const toolNames = new Set(((line.tools ?? []) as any[]).map((tool) => { expect(tool.type).toBe('function'); return tool.function.name as string; }));
      let pending: string[] = [];
      for (const message of messages) {
        expect(['system', 'user', 'assistant', 'tool']).toContain(message.role);
        if (message.role !== 'tool') expect(pending).toEqual([]); // every call answered before anything else
        if (message.role === 'system' || message.role === 'user') expect(typeof message.content === 'string' && message.content.length > 0).toBe(true);
        if (message.role === 'assistant') {
          expect([0, 1]).toContain(message.weight);
          if (message.weight === 0) weightZero++;
          expect(message.content === undefined || (typeof message.content === 'string' && message.content.trim() !== '')).toBe(true);
          expect(message.content !== undefined || message.tool_calls !== undefined).toBe(true);
          for (const call of message.tool_calls ?? []) {
            toolCalls++;
            expect(call.type).toBe('function');
            expect(typeof call.function.arguments).toBe('string');
            expect(typeof JSON.parse(call.function.arguments)).toBe('object');
            expect(toolNames.has(call.function.name)).toBe(true);
            pending.push(call.id);
          }
        }
        if (message.role === 'tool') {
          expect(pending).toContain(message.tool_call_id);
          expect(typeof message.content === 'string' && message.content.length > 0).toBe(true);
          pending = pending.filter((id) => id !== message.tool_call_id);
        }
      }
      // Ends on the model's final reply, as OpenAI's function-calling examples do: its calls stay unanswered.
      const last = messages.at(-1)!;
      expect(last.role).toBe('assistant');
      expect(pending).toEqual((last.tool_calls ?? []).map((call: any) => call.id));
      if (line.tools === undefined) expect(messages.every((message) => message.tool_calls === undefined)).toBe(true);
    }
    expect(toolCalls).toBeGreaterThan(0);
    expect(weightZero).toBeGreaterThan(0); // the scripted model's "fly" and the random policy's refused actions
  });

  it('keeps the language model’s own transcript and masks its refused reply', () => {
    const { lines } = exportLines('openai-chat', { filter: { runIds: [runs.llmNative] } });
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      const assistants = (line.messages as any[]).filter((message) => message.role === 'assistant');
      const fly = assistants.filter((message) => message.tool_calls?.some((call: any) => JSON.parse(call.function.arguments).action === 'fly'));
      expect(fly).toHaveLength(1);
      expect(fly[0].weight).toBe(0);
      expect(assistants.filter((message) => message.weight === 1).length).toBe(assistants.length - 1);
      expect((line.tools as any[]).map((tool) => tool.function.name).sort()).toEqual(['act', 'compass']);
      // The definitions as recorded with the model calls, not inferred: descriptions and full schemas.
      const act = (line.tools as any[]).find((tool) => tool.function.name === 'act');
      expect(act.function.description).toMatch(/Takes your action/);
      expect(act.function.parameters.properties.action).toMatchObject({ type: 'string', maxLength: 200 });
      expect(act.function.parameters.properties.action.enum).toBeUndefined();
      expect(line.messages[0].content).toContain('calling the act tool');
    }
  });
});

describe('sharegpt', () => {
  it('alternates human/observation and gpt/function_call on every line, tools as a JSON string, dataset_info.json beside it', () => {
    const { result, lines } = exportLines('sharegpt', { validationFraction: 0.3 });
    expect(lines).toHaveLength(expectedEpisodes().episodes);
    let functionCalls = 0;
    let observations = 0;
    for (const line of lines) {
      const turns = line.conversations as { from: string; value: string }[];
      expect(turns.length % 2).toBe(0);
      turns.forEach((turn, index) => {
        expect(index % 2 === 0 ? ['human', 'observation'] : ['gpt', 'function_call']).toContain(turn.from);
        expect(typeof turn.value === 'string' && turn.value.length > 0).toBe(true);
        if (turn.from === 'observation') observations++;
        if (turn.from === 'function_call') {
          functionCalls++;
          const value = JSON.parse(turn.value);
          for (const call of Array.isArray(value) ? value : [value]) {
            expect(typeof call.name).toBe('string');
            expect(call.arguments).toBeDefined();
          }
        }
      });
      expect(typeof line.system).toBe('string');
      expect(typeof line.tools).toBe('string');
      if (line.tools !== '') expect(Array.isArray(JSON.parse(line.tools))).toBe(true);
    }
    expect(functionCalls).toBeGreaterThan(0);
    expect(observations).toBeGreaterThan(0);
    const info = JSON.parse(readFileSync(result.companionPaths[0]!, 'utf8'));
    expect(Object.keys(info).sort()).toEqual(['sharegpt', 'sharegpt_validation']);
    expect(info.sharegpt).toMatchObject({ file_name: 'sharegpt.jsonl', formatting: 'sharegpt', columns: { messages: 'conversations', tools: 'tools' } });
  });
});

describe('agentgym', () => {
  it('writes AgentTraj conversations: human (loss null) and gpt (loss boolean) alternating, an item_id', () => {
    const { lines } = exportLines('agentgym');
    expect(lines).toHaveLength(expectedEpisodes().episodes);
    for (const line of lines) {
      expect(typeof line.item_id).toBe('string');
      const turns = line.conversations as { from: string; loss: boolean | null; value: string }[];
      expect(turns.at(-1)!.from).toBe('gpt');
      turns.forEach((turn, index) => {
        expect(turn.from).toBe(index % 2 === 0 ? 'human' : 'gpt');
        expect(turn.loss).toSatisfy((loss: unknown) => (turn.from === 'human' ? loss === null : typeof loss === 'boolean'));
        expect(turn.value.length).toBeGreaterThan(0);
      });
      expect(turns[1]).toEqual({ from: 'gpt', loss: false, value: 'OK.' });
    }
    const fly = lines.flatMap((line) => line.conversations).filter((turn: any) => turn.value.includes('Action:\nfly'));
    expect(fly.length).toBe(3);
    expect(fly.every((turn: any) => turn.loss === false)).toBe(true);
  });
});

describe('trl-messages and trl-preference', () => {
  it('writes conversational messages with object arguments and answered tool calls', () => {
    const { lines } = exportLines('trl-messages');
    expect(lines).toHaveLength(expectedEpisodes().episodes);
    for (const line of lines) {
      const ids = new Set<string>();
      for (const message of line.messages) {
        expect(['system', 'user', 'assistant', 'tool']).toContain(message.role);
        expect(typeof message.content).toBe('string');
        for (const call of message.tool_calls ?? []) {
          expect(typeof call.function.arguments).toBe('object');
          ids.add(call.id);
        }
        if (message.role === 'tool') expect(ids.has(message.tool_call_id)).toBe(true);
      }
    }
  });

  it('pairs a successful and a failed episode of each task: prompt ends with the user, both answers start with the assistant', () => {
    const { result, lines } = exportLines('trl-preference', { validationFraction: 0.3 });
    const connection = new Database(database, { readonly: true });
    const families = connection
      .prepare(`SELECT count(*) FROM (SELECT seed FROM episodes WHERE status = 'finished' GROUP BY environment_id, seed, mission HAVING max(success) = 1 AND min(success) = 0)`)
      .pluck()
      .get() as number;
    connection.close();
    expect(families).toBeGreaterThan(0);
    expect(lines).toHaveLength(families);
    for (const line of lines) {
      expect(line.prompt.at(-1).role).toBe('user');
      expect(line.chosen[0].role).toBe('assistant');
      expect(line.rejected[0].role).toBe('assistant');
      expect(JSON.stringify(line.chosen)).not.toBe(JSON.stringify(line.rejected));
    }
    expect(result.counts.train.successes + result.counts.validation.successes).toBe(families);
    expect(result.counts.train.episodes + result.counts.validation.episodes).toBe(2 * families);
  });
});

describe('transitions and world-model', () => {
  it('writes one row per recorded step, each next_state the following state, the last the final observation', () => {
    const { lines } = exportLines('transitions');
    expect(lines).toHaveLength(expectedEpisodes().steps);
    for (let index = 0; index < lines.length; index++) {
      const row = lines[index]!;
      const next = lines[index + 1];
      if (next !== undefined && next.episode_id === row.episode_id) {
        expect(next.step_index).toBe(row.step_index + 1);
        expect(row.next_state).toBe(next.state);
        expect(row.terminated || row.truncated).toBe(false);
      } else {
        expect(row.next_state.length).toBeGreaterThan(0);
      }
      expect(typeof row.reward).toBe('number');
      expect(typeof row.action).toBe('string');
    }
    const world = exportLines('world-model').lines;
    expect(world).toHaveLength(lines.length);
    expect(Object.keys(world[0]!)).toEqual(expect.arrayContaining(['state', 'action', 'next_state', 'reward']));
  });

  it('splices lines that are exactly JSON.stringify of the row, columns in schema order', () => {
    for (const [name, columns] of [['transitions', transitionColumns], ['world-model', worldModelColumns]] as const) {
      const { result } = exportLines(name);
      const text = readFileSync(result.files[0]!.path, 'utf8').trimEnd().split('\n');
      expect(text.length).toBeGreaterThan(0);
      for (const line of text) {
        const row = JSON.parse(line) as Record<string, unknown>;
        expect(JSON.stringify(row)).toBe(line);
        expect(Object.keys(row)).toEqual(columns.map((column) => column.name));
      }
    }
  });

  for (const name of ['transitions', 'world-model']) {
    it(`writes ${name}-parquet that hyparquet reads back as the same rows as the JSONL`, async () => {
      const jsonl = exportLines(name).lines;
      const { result } = exportLines(`${name}-parquet`);
      const rows = await parquetReadObjects({ file: await asyncBufferFromFile(result.files[0]!.path) });
      expect(rows).toHaveLength(jsonl.length);
      const normalise = (row: Record<string, unknown>) =>
        Object.fromEntries(
          Object.entries(row).map(([key, value]) => [key, typeof value === 'bigint' ? Number(value) : value]),
        );
      expect(rows.map(normalise)).toEqual(jsonl);
    });
  }
});

const python = '/usr/bin/python3';
const pandasAvailable = existsSync(python) && (() => {
  try {
    execFileSync(python, ['-c', 'import pandas'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

describe('pandas', () => {
  it.skipIf(!pandasAvailable)('reads every JSONL format with Debian’s pandas (skipped without /usr/bin/python3 and python3-pandas)', () => {
    const files = datasetFormats.filter((format) => format.file.kind === 'jsonl').map((format) => ({ format, result: exportLines(format.name).result }));
    const script = 'import json, sys, pandas\nfor path in sys.argv[1:]:\n    frame = pandas.read_json(path, lines=True)\n    print(json.dumps([path, len(frame), list(frame.columns)]))';
    const output = execFileSync(python, ['-c', script, ...files.map(({ result }) => result.files[0]!.path)], { encoding: 'utf8' });
    const read = output.trim().split('\n').map((line) => JSON.parse(line) as [string, number, string[]]);
    files.forEach(({ result }, index) => {
      expect(read[index]![0]).toBe(result.files[0]!.path);
      expect(read[index]![1]).toBe(result.files[0]!.rows);
    });
    expect(read.find(([path]) => path.endsWith('openai-chat.jsonl'))![2]).toEqual(expect.arrayContaining(['messages', 'tools']));
  });
});

describe('selection and split', () => {
  it('filters by run, environment, task, success, reward and step range', () => {
    expect(exportLines('openai-chat', { filter: { runIds: [runs.expert, runs.random] } }).lines).toHaveLength(expectedEpisodes(`e.run_id IN (${runs.expert}, ${runs.random})`).episodes);
    expect(exportLines('openai-chat', { filter: { environmentId: 'gridworld/GoToLocal-v0' } }).lines).toHaveLength(expectedEpisodes().episodes);
    expect(exportLines('openai-chat', { filter: { successOnly: true } }).lines).toHaveLength(expectedEpisodes('e.success = 1').episodes);
    expect(exportLines('openai-chat', { filter: { minimumReward: 0.5 } }).lines).toHaveLength(expectedEpisodes('e.total_reward >= 0.5').episodes);
    expect(exportLines('transitions', { filter: { minimumSteps: 4, maximumSteps: 10 } }).lines).toHaveLength(expectedEpisodes('e.step_count BETWEEN 4 AND 10').steps);
    const task = exportLines('openai-chat', { filter: { task: 'box' } }).lines;
    expect(task).toHaveLength(expectedEpisodes("e.mission LIKE '%box%'").episodes);
    expect(task.length).toBeGreaterThan(0);
    expect(() => exportLines('openai-chat', { filter: { minimumSteps: 5, maximumSteps: 2 } })).toThrow(ConfigError);
  });

  it('splits by task deterministically: the same rows each time, a task never on both sides', () => {
    const first = exportLines('transitions', { validationFraction: 0.4 }).result;
    const second = exportLines('transitions', { validationFraction: 0.4 }).result;
    const read = (result: ExportResult) => result.files.map((file) => readFileSync(file.path, 'utf8'));
    expect(read(first)).toEqual(read(second));
    const [train, validation] = first.files.map((file) => jsonLines(file.path));
    expect(train!.length).toBeGreaterThan(0);
    expect(validation!.length).toBeGreaterThan(0);
    const seeds = (rows: Record<string, any>[]) => new Set(rows.map((row) => row.seed as number));
    for (const seed of seeds(validation!)) expect(seeds(train!).has(seed)).toBe(false);
    for (const row of validation!) expect(datasetSplit({ environmentId: row.environment_id, seed: row.seed }, 0.4)).toBe('validation');
    expect(readFileSync(first.files[1]!.cardPath, 'utf8')).toContain('SHA-256');
  });

  it('exports only the latest attempt of a resumed episode, and only finished episodes', async () => {
    const path = join(directory, 'resumed.db');
    const store = SqliteTrajectoryStore.open(path);
    const run = await store.createRun({ environmentId: 'line', policy: 'test', episodesRequested: 2, baseSeed: 1, concurrency: 1, config: null, worldloopVersion: 'test' });
    const step = (stepIndex: number, action: string) => ({
      stepIndex, observation: { text: `at ${stepIndex}` }, action, accepted: true, reward: 1, terminated: stepIndex === 1, truncated: false, info: {},
      toolCalls: [], modelCalls: [], guardVerdicts: [], memoryReads: [], memoryWrites: [], timings: { perceiveMs: 0, planMs: 0, actMs: 0, rememberMs: 0 }, startedAt: 1,
    });
    const outcome = { status: 'finished' as const, success: true, totalReward: 2, stepCount: 2, invalidActionCount: 0, terminated: true, truncated: false, finalObservation: { text: 'goal' } };
    const interrupted = await store.startEpisode({ runId: run.id, episodeIndex: 0, seed: 11, environmentId: 'line' });
    await store.appendStep(interrupted.id, step(0, 'first attempt'));
    await store.endEpisode(interrupted.id, { ...outcome, status: 'aborted', stepCount: 1 });
    const resumed = await store.startEpisode({ runId: run.id, episodeIndex: 0, seed: 11, environmentId: 'line' });
    for (const index of [0, 1]) await store.appendStep(resumed.id, step(index, `second attempt ${index}`));
    await store.endEpisode(resumed.id, outcome);
    await store.startEpisode({ runId: run.id, episodeIndex: 1, seed: 12, environmentId: 'line' }); // still running
    await store.close();
    const result = exportDataset(datasetFormat('transitions'), { databasePath: path, outputPath: join(directory, 'resumed', 'rows.jsonl') });
    const rows = jsonLines(result.files[0]!.path);
    expect(rows.map((row) => row.action)).toEqual(['second attempt 0', 'second attempt 1']);
    expect(rows.map((row) => row.next_state)).toEqual(['at 1', 'goal']);
  });
});

describe('bad input', () => {
  it('refuses an unknown format, listing the formats', () => {
    expect(() => datasetFormat('csv')).toThrow(/Unknown export format "csv". Formats: openai-chat, sharegpt, agentgym/);
  });

  it('writes an empty file and a card saying so when the filter matches nothing, with a warning', async () => {
    for (const name of ['openai-chat', 'transitions-parquet']) {
      const { result } = exportLines(name, { filter: { task: 'no such mission' } });
      expect(result.warning).toMatch(/No episodes matched the filters \(.*mission contains "no such mission"\)/);
      expect(result.files[0]!.rows).toBe(0);
      if (name === 'openai-chat') expect(readFileSync(result.files[0]!.path, 'utf8')).toBe('');
      else expect(await parquetReadObjects({ file: await asyncBufferFromFile(result.files[0]!.path) })).toEqual([]);
      expect(readFileSync(result.files[0]!.cardPath, 'utf8')).toContain('**Empty export.** No episodes matched');
    }
  });

  it('says why a preference export is empty when episodes matched but no task has both outcomes', () => {
    const { result } = exportLines('trl-preference', { filter: { successOnly: true } });
    expect(result.files[0]!.rows).toBe(0);
    expect(result.warning).toMatch(/^The selected episodes gave no preference pairs \(a pair needs a successful and a failed episode of one task/);
  });

  it('refuses to write over the database it exports, its WAL, or a link to it, even when overwriting', () => {
    const countEpisodes = () => {
      const reader = new Database(database, { readonly: true });
      try {
        return reader.prepare('SELECT count(*) FROM episodes').pluck().get();
      } finally {
        reader.close();
      }
    };
    const episodesBefore = countEpisodes();
    const link = join(dirname(database), 'link-to.db');
    symlinkSync(database, link);
    for (const outputPath of [database, `${database}-wal`, link]) {
      expect(() => exportDataset(datasetFormat('transitions'), { databasePath: database, outputPath, overwrite: true })).toThrow(/is the trajectory database being exported/);
    }
    expect(countEpisodes()).toBe(episodesBefore);
  });

  it('refuses an output path that exists unless overwriting, and leaves it untouched', () => {
    const { result } = exportLines('transitions');
    const path = result.files[0]!.path;
    const before = readFileSync(path, 'utf8');
    expect(() => exportDataset(datasetFormat('transitions'), { databasePath: database, outputPath: path, filter: { successOnly: true } })).toThrow(/already exists; pass --force/);
    expect(readFileSync(path, 'utf8')).toBe(before);
    const again = exportDataset(datasetFormat('transitions'), { databasePath: database, outputPath: path, filter: { successOnly: true }, overwrite: true });
    expect(jsonLines(path)).toHaveLength(again.files[0]!.rows);
    expect(again.files[0]!.rows).toBeLessThan(before.trimEnd().split('\n').length);
  });

  it('refuses a database from a newer schema version, a missing file and a file without trajectories, with what to do', () => {
    const newer = join(directory, 'newer.db');
    copyFileSync(database, newer);
    const connection = new Database(newer);
    connection.prepare("INSERT INTO trajectory_migrations (version, name, applied_at) VALUES (99, 'from-the-future', 0)").run();
    connection.close();
    const attempt = (path: string) => () => exportDataset(datasetFormat('transitions'), { databasePath: path, outputPath: join(directory, 'never', 'rows.jsonl') });
    expect(attempt(newer)).toThrow(StoreError);
    expect(attempt(newer)).toThrow(/trajectory schema version 99 .* newer worldloop, so upgrade @worldloop\/trajectory/);
    expect(existsSync(join(directory, 'never', 'rows.jsonl'))).toBe(false);
    expect(attempt(join(directory, 'missing.db'))).toThrow(/There is no trajectory database at .*missing\.db; record a run first/);
    const other = join(directory, 'other.db');
    new Database(other).exec('CREATE TABLE notes (text TEXT)');
    expect(attempt(other)).toThrow(/holds no worldloop trajectories/);
  });
});
