// Tests of the migration runner: fresh file, reopen, pending-only, rollback, newer file, numbering.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, trajectoryMigrations, type Migration } from './migrations.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-migrations-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

function tableNames(database: Database.Database): string[] {
  return (database.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[]).map(
    (row) => row.name,
  );
}

describe('applyMigrations', () => {
  it('creates the schema on a fresh file and records each migration', () => {
    const database = new Database(join(directory, 'fresh.db'));
    expect(applyMigrations(database, trajectoryMigrations, () => 42)).toEqual({ fromVersion: 0, toVersion: trajectoryMigrations.length });
    expect(tableNames(database)).toEqual(['episodes', 'runs', 'steps', 'trajectory_migrations']);
    expect(database.prepare('SELECT version, name, applied_at AS appliedAt FROM trajectory_migrations').all()).toEqual([
      { version: 1, name: 'initial-schema', appliedAt: 42 },
    ]);
    expect(database.prepare('SELECT name FROM sqlite_schema WHERE type = ? ORDER BY name').all('index')).toContainEqual({ name: 'episodes_by_run' });
    database.close();
  });

  it('does nothing on a file that is up to date, and keeps its data', () => {
    const path = join(directory, 'reopen.db');
    const first = new Database(path);
    applyMigrations(first);
    first.prepare("INSERT INTO runs (environment_id, policy, episodes_requested, base_seed, concurrency, config, worldloop_version, status, started_at) VALUES ('e', 'p', 1, 1, 1, '{}', '0', 'running', 1)").run();
    first.close();
    const second = new Database(path);
    expect(applyMigrations(second)).toEqual({ fromVersion: 1, toVersion: 1 });
    expect(second.prepare('SELECT count(*) AS count FROM runs').get()).toEqual({ count: 1 });
    expect(second.prepare('SELECT count(*) AS count FROM trajectory_migrations').get()).toEqual({ count: 1 });
    second.close();
  });

  it('applies only the pending migrations of a longer list', () => {
    const database = new Database(':memory:');
    applyMigrations(database);
    const next: Migration = { version: 2, name: 'add-note', up: (db) => db.exec('ALTER TABLE runs ADD COLUMN note TEXT') };
    expect(applyMigrations(database, [...trajectoryMigrations, next])).toEqual({ fromVersion: 1, toVersion: 2 });
    expect((database.prepare('PRAGMA table_info(runs)').all() as { name: string }[]).map((column) => column.name)).toContain('note');
    database.close();
  });

  it('rolls back every pending migration when one fails', () => {
    const database = new Database(':memory:');
    const failing: Migration = { version: 2, name: 'broken', up: () => { throw new Error('broken migration'); } };
    expect(() => applyMigrations(database, [...trajectoryMigrations, failing])).toThrow('broken migration');
    expect(tableNames(database)).toEqual([]);
    database.close();
  });

  it('refuses a file written by a newer schema', () => {
    const database = new Database(':memory:');
    applyMigrations(database);
    database.prepare("INSERT INTO trajectory_migrations VALUES (2, 'from-the-future', 0)").run();
    expect(() => applyMigrations(database)).toThrow(/schema version 2 .* knows versions up to 1/);
    database.close();
  });

  it('refuses a list that is not numbered 1..n', () => {
    const database = new Database(':memory:');
    const gap: Migration = { version: 3, name: 'gap', up: () => {} };
    expect(() => applyMigrations(database, [...trajectoryMigrations, gap])).toThrow(/version 3 at position 2/);
    database.close();
  });
});
