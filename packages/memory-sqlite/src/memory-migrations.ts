// Schema migrations of the memory store: a numbered list applied in order, all pending ones in one
// IMMEDIATE transaction, recorded in `memory_migrations` (so the file can be shared with trajectories).
// The vector index is not here: its width depends on the embedder (see memory-vector-index.ts).
import type Database from 'better-sqlite3';

/** One schema change. `up` runs inside the migration transaction and must be synchronous. */
export interface MemoryMigration {
  /** 1, 2, 3, ... with no gaps; the schema version after this migration. */
  readonly version: number;
  /** What it does, kebab-case (`initial-schema`). */
  readonly name: string;
  up(database: Database.Database): void;
}

/** The memory schema, oldest first. Never edit a released migration: add one. */
export const memoryMigrations: readonly MemoryMigration[] = [
  {
    version: 1,
    name: 'initial-schema',
    up(database) {
      database.exec(`
        -- Facts about the stored data: embedder id and embedding dimension, fixed at first open.
        CREATE TABLE memory_settings (
          key TEXT PRIMARY KEY,
          value TEXT NOT NULL
        ) STRICT;

        -- last_sequence counts the memories written to the namespace (recency over memories).
        CREATE TABLE memory_namespaces (
          id INTEGER PRIMARY KEY,
          name TEXT NOT NULL UNIQUE,
          last_sequence INTEGER NOT NULL DEFAULT 0
        ) STRICT;

        CREATE TABLE memories (
          id INTEGER PRIMARY KEY AUTOINCREMENT,
          namespace_id INTEGER NOT NULL REFERENCES memory_namespaces (id),
          sequence INTEGER NOT NULL,
          kind TEXT NOT NULL CHECK (kind IN ('observation', 'action-outcome', 'reflection', 'fact', 'skill')),
          text TEXT NOT NULL CHECK (text <> ''),
          payload TEXT,
          importance REAL NOT NULL CHECK (importance BETWEEN 0 AND 1),
          created_at INTEGER NOT NULL,
          run_id INTEGER,
          episode_id INTEGER,
          step_index INTEGER,
          -- float32 little-endian, unit length
          embedding BLOB NOT NULL
        ) STRICT;
        CREATE INDEX memories_by_namespace_time ON memories (namespace_id, created_at);
        CREATE INDEX memories_by_namespace_importance ON memories (namespace_id, importance);
        CREATE INDEX memories_by_episode ON memories (episode_id) WHERE episode_id IS NOT NULL;

        -- position keeps the order links were given in.
        CREATE TABLE memory_links (
          memory_id INTEGER NOT NULL REFERENCES memories (id),
          position INTEGER NOT NULL,
          target_id INTEGER NOT NULL REFERENCES memories (id),
          PRIMARY KEY (memory_id, position)
        ) STRICT, WITHOUT ROWID;
        CREATE INDEX memory_links_by_target ON memory_links (target_id);

        CREATE VIRTUAL TABLE memories_fts USING fts5 (
          text,
          content = 'memories',
          content_rowid = 'id',
          tokenize = 'unicode61 remove_diacritics 2'
        );
      `);
    },
  },
];

/**
 * Brings the memory schema of `database` up to the last of `migrations`. Cheap when nothing is
 * pending (one read, no write lock); safe when several processes open a fresh file at once (the
 * version is re-read under the write lock). Throws when the file's version is newer than the list
 * knows; a failing migration rolls back every pending one.
 */
export function applyMemoryMigrations(database: Database.Database, migrations: readonly MemoryMigration[] = memoryMigrations, now: () => number = Date.now): void {
  migrations.forEach((migration, position) => {
    if (migration.version !== position + 1) throw new Error(`memory migration "${migration.name}" has version ${migration.version} at position ${position + 1}; number them 1, 2, 3, ...`);
  });
  const latest = migrations.length;
  if (schemaVersion(database, latest) === latest) return;
  database
    .transaction(() => {
      database.exec('CREATE TABLE IF NOT EXISTS memory_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL) STRICT');
      const record = database.prepare('INSERT INTO memory_migrations (version, name, applied_at) VALUES (?, ?, ?)');
      for (const migration of migrations.slice(schemaVersion(database, latest))) {
        migration.up(database);
        record.run(migration.version, migration.name, now());
      }
    })
    .immediate();
}

/** The file's memory schema version (0 when fresh); throws when it is newer than `latest`. */
function schemaVersion(database: Database.Database, latest: number): number {
  const exists = database.prepare("SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = 'memory_migrations'").get();
  const version = exists === undefined ? 0 : ((database.prepare('SELECT max(version) FROM memory_migrations').pluck().get() as number | null) ?? 0);
  if (version > latest) {
    throw new Error(`the file has memory schema version ${version} but this @worldloop/memory-sqlite knows versions up to ${latest}; it was written by a newer worldloop, so upgrade @worldloop/memory-sqlite or use another file`);
  }
  return version;
}
