// The memory store's schema: numbered migrations recorded in `memory_migrations`, so the file can be
// shared with trajectories. The vector index is not here: its width depends on the embedder.
import type { Migration, VersionedSchema } from '@worldloop/sqlite';

/** The memory migrations, oldest first. Never edit a released migration: add one. */
const memoryMigrations: readonly Migration[] = [
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
  {
    // No data changes: rows written from now on keep their embedding as float16 (half the bytes),
    // rows already there keep float32, and readers tell them apart by length (stored-embedding.ts).
    // The version exists so that an older worldloop, which reads every embedding as float32,
    // refuses the file with a clear error instead of misreading the new rows.
    version: 2,
    name: 'float16-embeddings',
    up() {},
  },
];

/** The memory schema as `runMigrations` takes it. */
export const memorySchema: VersionedSchema = {
  table: 'memory_migrations',
  label: 'memory',
  packageName: '@worldloop/memory-sqlite',
  migrations: memoryMigrations,
};
