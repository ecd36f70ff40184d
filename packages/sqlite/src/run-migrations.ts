// Numbered schema migrations: all pending ones applied in one IMMEDIATE transaction and recorded in
// the schema's own table, so several packages' schemas can live in one file. Migrations are synchronous.
import type Database from 'better-sqlite3';

/** One schema change. `up` runs inside the migration transaction and must be synchronous (an async one is refused). */
export interface Migration {
  /** 1, 2, 3, ... with no gaps; the schema version after this migration. */
  readonly version: number;
  /** What it does, kebab-case (`initial-schema`). */
  readonly name: string;
  up(database: Database.Database): void;
}

/** A package's schema: its migrations, oldest first, and where and how it is tracked. */
export interface VersionedSchema {
  /** Table that records the applied migrations (`trajectory_migrations`); a plain SQL name. */
  readonly table: string;
  /** The schema's name in messages: `trajectory` gives "the file has trajectory schema version 3". */
  readonly label: string;
  /** The package that owns the schema, named in the advice to upgrade (`@worldloop/trajectory`). */
  readonly packageName: string;
  /** Never edit a released migration: add one. */
  readonly migrations: readonly Migration[];
}

/** What `runMigrations` did. */
export interface MigrationResult {
  /** Schema version found in the file (0 for a fresh file). */
  readonly fromVersion: number;
  /** Schema version after migrating. */
  readonly toVersion: number;
}

/**
 * Brings `schema` in `database` up to its last migration. Cheap when nothing is pending (one read,
 * no write lock). Safe when several processes open a fresh file at once: the version is re-read
 * under the write lock. Throws when the file's version is newer than the list knows, or when the
 * list is not numbered 1..n; a failing migration rolls back every pending one. `now` stamps
 * `applied_at` (ms since the epoch).
 */
export function runMigrations(database: Database.Database, schema: VersionedSchema, now: () => number = Date.now): MigrationResult {
  const { table, label, migrations } = schema;
  if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(table)) throw new Error(`the ${label} migration table "${table}" is not a plain SQL name; use letters, digits and _`);
  migrations.forEach((migration, position) => {
    if (migration.version !== position + 1) {
      throw new Error(`${label} migration "${migration.name}" has version ${migration.version} at position ${position + 1}; number migrations 1, 2, 3, ... without gaps`);
    }
  });
  const latest = migrations.length;
  const fromVersion = schemaVersion(database, schema);
  if (fromVersion === latest) return { fromVersion, toVersion: latest };

  const migrate = database.transaction((): MigrationResult => {
    database.exec(`CREATE TABLE IF NOT EXISTS ${table} (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT`);
    // Another process may have migrated between the first read and taking the write lock.
    const found = schemaVersion(database, schema);
    const record = database.prepare(`INSERT INTO ${table} (version, name, applied_at) VALUES (?, ?, ?)`);
    for (const migration of migrations.slice(found)) {
      // An async `up` type-checks against `void`, but only its part before the first await would
      // run inside the transaction: refuse it, rolling back, rather than record it as applied.
      const returned: unknown = migration.up(database);
      if (typeof (returned as PromiseLike<unknown> | undefined)?.then === 'function') {
        (returned as PromiseLike<unknown>).then(undefined, () => {});
        throw new Error(`${label} migration "${migration.name}" returned a promise; migrations must be synchronous (better-sqlite3 runs them inside one transaction)`);
      }
      record.run(migration.version, migration.name, now());
    }
    return { fromVersion: found, toVersion: latest };
  });
  return migrate.immediate();
}

/** The file's version of `schema` (0 when fresh); throws when it is newer than the list knows. */
function schemaVersion(database: Database.Database, { table, label, packageName, migrations }: VersionedSchema): number {
  const exists = database.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?").get(table);
  const version = exists === undefined ? 0 : ((database.prepare(`SELECT max(version) FROM ${table}`).pluck().get() as number | null) ?? 0);
  if (version > migrations.length) {
    throw new Error(
      `the file has ${label} schema version ${version} but this ${packageName} knows versions up to ${migrations.length}; it was written by a newer worldloop, so upgrade ${packageName} or use another file`,
    );
  }
  return version;
}
