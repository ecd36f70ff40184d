// Public surface of @worldloop/trajectory: the SQLite trajectory store.
export { SqliteTrajectoryStore, type SqliteTrajectoryStoreOptions } from './sqlite-trajectory-store.js';
