// Per-step tables from a real SQLite file: Parquet JSON columns hold the features' JSON text once
// (an object when read back), not a JSON string literal of that text; episodes without steps are not counted.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { asyncBufferFromFile, parquetReadObjects } from 'hyparquet';
import { afterAll, describe, expect, it } from 'vitest';
import { datasetFormat } from './dataset-formats.js';
import { exportDataset } from './export-dataset.js';
import { minimalStep, sampleOutcome, sampleRun } from './fixtures/sample-records.js';
import { SqliteTrajectoryStore } from './sqlite-trajectory-store.js';

describe('step tables', () => {
  const directory = mkdtempSync(join(tmpdir(), 'worldloop-parquet-'));
  afterAll(() => rmSync(directory, { recursive: true, force: true }));

  it('writes features to JSON columns as JSON objects, read back as the objects recorded', async () => {
    const databasePath = join(directory, 'worldloop.db');
    const store = new SqliteTrajectoryStore({ path: databasePath });
    const run = await store.createRun(sampleRun({ environmentId: 'line', episodesRequested: 1 }));
    const episode = await store.startEpisode({ runId: run.id, episodeIndex: 0, seed: 3, environmentId: 'line' });
    for (const stepIndex of [0, 1]) {
      await store.appendStep(episode.id, { ...minimalStep(stepIndex), observation: { text: `at ${stepIndex}`, features: { x: stepIndex, door: 'closé' } } });
    }
    await store.endEpisode(episode.id, sampleOutcome({ stepCount: 2, finalObservation: { text: 'at 2', features: { x: 2, door: 'open' } } }));
    await store.close();

    for (const name of ['transitions-parquet', 'world-model-parquet']) {
      const result = exportDataset(datasetFormat(name), { databasePath, outputPath: join(directory, `${name}.parquet`) });
      const rows = await parquetReadObjects({ file: await asyncBufferFromFile(result.files[0]!.path) });
      expect(rows.map((row) => [row.state_features, row.next_state_features])).toEqual([
        [{ x: 0, door: 'closé' }, { x: 1, door: 'closé' }],
        [{ x: 1, door: 'closé' }, { x: 2, door: 'open' }],
      ]);
    }
  });

  it('leaves an episode without steps out of the counts, as it gives no row', async () => {
    const databasePath = join(directory, 'empty-episode.db');
    const store = new SqliteTrajectoryStore({ path: databasePath });
    const run = await store.createRun(sampleRun({ environmentId: 'line', episodesRequested: 2 }));
    const empty = await store.startEpisode({ runId: run.id, episodeIndex: 0, seed: 3, environmentId: 'line' });
    await store.endEpisode(empty.id, sampleOutcome({ success: false, stepCount: 0 }));
    const played = await store.startEpisode({ runId: run.id, episodeIndex: 1, seed: 4, environmentId: 'line' });
    await store.appendStep(played.id, minimalStep(0));
    await store.endEpisode(played.id, sampleOutcome({ stepCount: 1 }));
    await store.close();

    for (const name of ['transitions', 'transitions-parquet', 'world-model', 'world-model-parquet']) {
      const extension = datasetFormat(name).file.kind;
      const result = exportDataset(datasetFormat(name), { databasePath, outputPath: join(directory, 'empty', `${name}.${extension}`) });
      expect(result.files[0]!.rows).toBe(1);
      expect(result.counts.train).toEqual({ episodes: 1, steps: 1, successes: 1 });
    }
  });
});
