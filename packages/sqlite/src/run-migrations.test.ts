// Tests of the migration runner (moved here from @worldloop/trajectory): fresh file, reopen,
// pending-only, rollback, newer file, numbering, and two schemas sharing one file.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runMigrations, type Migration, type VersionedSchema } from './run-migrations.js';

let directory: string;
beforeEach(() => {
  directory = mkdtempSync(join(tmpdir(), 'worldloop-migrations-'));
});
afterEach(() => {
  rmSync(directory, { recursive: true, force: true });
});

/** A one-migration schema standing in for a store's. */
const notesSchema: VersionedSchema = {
  table: 'notes_migrations',
  label: 'notes',
  packageName: '@worldloop/notes',
  migrations: [{ version: 1, name: 'initial-schema', up: (database) => database.exec('CREATE TABLE notes (id INTEGER PRIMARY KEY, text TEXT NOT NULL) STRICT') }],
};

function withMigrations(...more: Migration[]): VersionedSchema {
  return { ...notesSchema, migrations: [...notesSchema.migrations, ...more] };
}

function tableNames(database: Database.Database): string[] {
  return database.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
}

describe('runMigrations', () => {
  it("creates the schema on a fresh file and records each migration in the schema's own table", () => {
    const database = new Database(join(directory, 'fresh.db'));
    expect(runMigrations(database, notesSchema, () => 42)).toEqual({ fromVersion: 0, toVersion: 1 });
    expect(tableNames(database)).toEqual(['notes', 'notes_migrations']);
    expect(database.prepare('SELECT version, name, applied_at AS appliedAt FROM notes_migrations').all()).toEqual([{ version: 1, name: 'initial-schema', appliedAt: 42 }]);
    database.close();
  });

  it('does nothing on a file that is up to date, and keeps its data', () => {
    const path = join(directory, 'reopen.db');
    const first = new Database(path);
    runMigrations(first, notesSchema);
    first.prepare("INSERT INTO notes (text) VALUES ('kept')").run();
    first.close();
    const second = new Database(path);
    expect(runMigrations(second, notesSchema)).toEqual({ fromVersion: 1, toVersion: 1 });
    expect(second.prepare('SELECT count(*) AS count FROM notes').get()).toEqual({ count: 1 });
    expect(second.prepare('SELECT count(*) AS count FROM notes_migrations').get()).toEqual({ count: 1 });
    second.close();
  });

  it('applies only the pending migrations of a longer list', () => {
    const database = new Database(':memory:');
    runMigrations(database, notesSchema);
    const next: Migration = { version: 2, name: 'add-author', up: (db) => db.exec('ALTER TABLE notes ADD COLUMN author TEXT') };
    expect(runMigrations(database, withMigrations(next))).toEqual({ fromVersion: 1, toVersion: 2 });
    expect((database.prepare('PRAGMA table_info(notes)').all() as { name: string }[]).map((column) => column.name)).toContain('author');
    database.close();
  });

  it('rolls back every pending migration when one fails', () => {
    const database = new Database(':memory:');
    const failing: Migration = { version: 2, name: 'broken', up: () => { throw new Error('broken migration'); } };
    expect(() => runMigrations(database, withMigrations(failing))).toThrow('broken migration');
    expect(tableNames(database)).toEqual([]);
    database.close();
  });

  it('refuses an async migration, rolling back, instead of recording it applied while its work runs after the commit', async () => {
    const database = new Database(':memory:');
    let finished = false;
    const asynchronous = {
      version: 2,
      name: 'async-add-author',
      async up(db: Database.Database) {
        await Promise.resolve();
        db.exec('ALTER TABLE notes ADD COLUMN author TEXT');
        finished = true;
      },
    } satisfies Migration;
    expect(() => runMigrations(database, withMigrations(asynchronous))).toThrow(/notes migration "async-add-author" returned a promise; migrations must be synchronous/);
    expect(tableNames(database)).toEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    expect(finished).toBe(false);
    database.close();
  });

  it('refuses a file written by a newer schema, naming the schema and its package', () => {
    const database = new Database(':memory:');
    runMigrations(database, notesSchema);
    database.prepare("INSERT INTO notes_migrations VALUES (2, 'from-the-future', 0)").run();
    expect(() => runMigrations(database, notesSchema)).toThrow(
      'the file has notes schema version 2 but this @worldloop/notes knows versions up to 1; it was written by a newer worldloop, so upgrade @worldloop/notes or use another file',
    );
    database.close();
  });

  it('refuses a list that is not numbered 1..n, and a table name that is not a plain SQL name', () => {
    const database = new Database(':memory:');
    const gap: Migration = { version: 3, name: 'gap', up: () => {} };
    expect(() => runMigrations(database, withMigrations(gap))).toThrow(/notes migration "gap" has version 3 at position 2/);
    expect(() => runMigrations(database, { ...notesSchema, table: 'notes; DROP TABLE x' })).toThrow(/not a plain SQL name/);
    expect(tableNames(database)).toEqual([]);
    database.close();
  });

  it('keeps schemas with their own tables apart in one file', () => {
    const database = new Database(':memory:');
    const tagsSchema: VersionedSchema = {
      table: 'tags_migrations',
      label: 'tags',
      packageName: '@worldloop/tags',
      migrations: [{ version: 1, name: 'initial-schema', up: (db) => db.exec('CREATE TABLE tags (name TEXT PRIMARY KEY) STRICT') }],
    };
    const notesAtVersion2 = withMigrations({ version: 2, name: 'add-author', up: (db) => db.exec('ALTER TABLE notes ADD COLUMN author TEXT') });
    runMigrations(database, notesAtVersion2);
    expect(runMigrations(database, tagsSchema)).toEqual({ fromVersion: 0, toVersion: 1 });
    expect(runMigrations(database, notesAtVersion2)).toEqual({ fromVersion: 2, toVersion: 2 });
    expect(tableNames(database)).toEqual(['notes', 'notes_migrations', 'tags', 'tags_migrations']);
    database.close();
  });
});
