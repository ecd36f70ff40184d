// Reads the `code` of a thrown value: SQLite result codes from better-sqlite3 (`SQLITE_BUSY`,
// `SQLITE_CONSTRAINT_FOREIGNKEY`), errno codes from node:fs (`ENOTDIR`). Undefined when there is none.

/** The string `code` of `error`, if it has one. */
export function errorCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}
