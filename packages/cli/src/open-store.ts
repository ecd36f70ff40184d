// Opens the trajectory database the CLI records to (`./.worldloop/worldloop.db` by default).
// A database that cannot be opened is a usage error: the message names the path to fix.
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { ConfigError, StoreError } from '@worldloop/spec';
import { SqliteTrajectoryStore } from '@worldloop/trajectory';
import type { CliIo } from './cli-io.js';

/** Default database path, relative to the working directory. */
export const DEFAULT_DATABASE_PATH = '.worldloop/worldloop.db';

/**
 * Opens the store at `--db`, or the default path under the working directory. `existing`: the
 * command only reads what is recorded (show, episodes, stats, a resume), so a file that is not there
 * is a usage error naming it, rather than a new empty database made at a mistyped path.
 */
export function openStore(io: CliIo, path: string | undefined, options: { readonly existing?: boolean } = {}): SqliteTrajectoryStore {
  const absolute = resolve(io.cwd, path ?? DEFAULT_DATABASE_PATH);
  if (options.existing === true && !existsSync(absolute)) {
    throw new ConfigError(`No database at ${absolute}: nothing is recorded there. Record runs with \`worldloop run\`, or point --db at the file they went to.`);
  }
  try {
    return new SqliteTrajectoryStore({ path: absolute });
  } catch (error) {
    if (error instanceof StoreError) throw new ConfigError(`Cannot open the database --db ${absolute}: ${error.message}`, { cause: error });
    throw error;
  }
}
