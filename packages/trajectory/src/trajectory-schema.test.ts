// Tests of the trajectory schema on a fresh file. The migration runner's own tests (reopen,
// pending-only, rollback, newer file, numbering) live with it in @worldloop/sqlite.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { runMigrations } from '@worldloop/sqlite';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { trajectorySchema } from './trajectory-schema.js';

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

describe('trajectorySchema', () => {
  it('creates the schema on a fresh file and records each migration', () => {
    const database = new Database(join(directory, 'fresh.db'));
    expect(runMigrations(database, trajectorySchema, () => 42)).toEqual({ fromVersion: 0, toVersion: trajectorySchema.migrations.length });
    expect(tableNames(database)).toEqual(['episodes', 'runs', 'steps', 'trajectory_migrations']);
    expect(database.prepare('SELECT version, name, applied_at AS appliedAt FROM trajectory_migrations').all()).toEqual([
      { version: 1, name: 'initial-schema', appliedAt: 42 },
      { version: 2, name: 'run-writer', appliedAt: 42 },
    ]);
    expect(database.prepare('SELECT name FROM sqlite_schema WHERE type = ? ORDER BY name').all('index')).toContainEqual({ name: 'episodes_by_run' });
    database.close();
  });

  it('refuses a file written by a newer schema, naming this package', () => {
    const database = new Database(':memory:');
    runMigrations(database, trajectorySchema);
    const known = trajectorySchema.migrations.length;
    database.prepare("INSERT INTO trajectory_migrations VALUES (?, 'from-the-future', 0)").run(known + 1);
    expect(() => runMigrations(database, trajectorySchema)).toThrow(new RegExp(`schema version ${known + 1} .* knows versions up to ${known}`));
    expect(() => runMigrations(database, trajectorySchema)).toThrow(/upgrade @worldloop\/trajectory or use another file/);
    database.close();
  });
});
