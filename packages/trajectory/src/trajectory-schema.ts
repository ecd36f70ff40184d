// The trajectory store's schema: runs, episodes and steps, as numbered migrations recorded in
// `trajectory_migrations` (so the file can be shared with other stores). Applied by @worldloop/sqlite.
import type { Migration, VersionedSchema } from '@worldloop/sqlite';

/**
 * The trajectory migrations, oldest first. Never edit a released migration: add one.
 *
 * Design notes for later migrations: steps are keyed by (episode_id, step_index) and episodes by
 * an autoincrement id, so resume re-runs an interrupted episode as a new episode row with the same
 * (run_id, episode_index) and `attempt` + 1; exporters take the latest attempt per index.
 */
const trajectoryMigrations: readonly Migration[] = [
  {
    version: 1,
    name: 'initial-schema',
    up(database) {
      database.exec(`
        CREATE TABLE runs (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          environment_id TEXT NOT NULL,
          policy TEXT NOT NULL,
          episodes_requested INTEGER NOT NULL,
          base_seed INTEGER NOT NULL,
          concurrency INTEGER NOT NULL,
          max_steps INTEGER,
          config TEXT NOT NULL,
          worldloop_version TEXT NOT NULL,
          git_commit TEXT,
          status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'aborted', 'failed')),
          started_at INTEGER NOT NULL,
          ended_at INTEGER
        ) STRICT;

        CREATE TABLE episodes (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          run_id INTEGER NOT NULL REFERENCES runs (id),
          episode_index INTEGER NOT NULL,
          attempt INTEGER NOT NULL DEFAULT 1,
          seed INTEGER NOT NULL,
          environment_id TEXT NOT NULL,
          mission TEXT,
          status TEXT NOT NULL CHECK (status IN ('running', 'finished', 'aborted', 'failed')),
          success INTEGER CHECK (success IN (0, 1)),
          total_reward REAL,
          step_count INTEGER,
          invalid_action_count INTEGER,
          terminated INTEGER CHECK (terminated IN (0, 1)),
          truncated INTEGER CHECK (truncated IN (0, 1)),
          final_observation TEXT,
          error TEXT,
          started_at INTEGER NOT NULL,
          ended_at INTEGER
        ) STRICT;
        -- Not unique: a resumed run records a second attempt of an interrupted episode.
        CREATE INDEX episodes_by_run ON episodes (run_id, episode_index);

        CREATE TABLE steps (
          episode_id INTEGER NOT NULL REFERENCES episodes (id),
          step_index INTEGER NOT NULL CHECK (step_index >= 0),
          observation TEXT NOT NULL,
          action TEXT NOT NULL,
          executed_action TEXT,
          accepted INTEGER NOT NULL CHECK (accepted IN (0, 1)),
          feedback TEXT,
          reward REAL NOT NULL,
          terminated INTEGER NOT NULL CHECK (terminated IN (0, 1)),
          truncated INTEGER NOT NULL CHECK (truncated IN (0, 1)),
          record TEXT NOT NULL,
          started_at INTEGER NOT NULL,
          PRIMARY KEY (episode_id, step_index)
        ) STRICT;
      `);
    },
  },
  {
    version: 2,
    name: 'run-writer',
    up(database) {
      // The process writing a run (opaque text), so that a resume can tell a live writer from a dead one.
      database.exec('ALTER TABLE runs ADD COLUMN writer TEXT');
    },
  },
];

/** The trajectory schema as `runMigrations` takes it. */
export const trajectorySchema: VersionedSchema = {
  table: 'trajectory_migrations',
  label: 'trajectory',
  packageName: '@worldloop/trajectory',
  migrations: trajectoryMigrations,
};
