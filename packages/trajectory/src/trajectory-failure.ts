// How the trajectory store words its failures: its name in messages, and the advice by SQLite code
// that only makes sense for trajectories (constraints of the schema, what file to point it at).
import type { StoreFailureOptions } from '@worldloop/sqlite';

/** Options for `storeFailure` from @worldloop/sqlite; spread it and add `advice` for one call. */
export const trajectoryFailure: StoreFailureOptions = {
  label: 'trajectory store',
  adviceByCode: [
    ['SQLITE_NOTADB', 'The file is not an SQLite database; point the store at a new path or at a trajectory database.'],
    ['SQLITE_CONSTRAINT_FOREIGNKEY', 'A referenced run or episode does not exist; create it first.'],
    ['SQLITE_CONSTRAINT_NOTNULL', 'A required field is missing, or is NaN (SQLite stores NaN as NULL); check the record against the TrajectoryStore contract.'],
    ['SQLITE_CONSTRAINT', 'A value broke a schema constraint (named above); check the record against the TrajectoryStore contract.'],
  ],
};
