// Public surface of @worldloop/sqlite: the SQLite plumbing shared by worldloop's stores.
export { errorCode } from './error-code.js';
export { failureReason } from './failure-reason.js';
export { busyTimeoutMs, openSqliteDatabase, type OpenSqliteDatabaseOptions, type SqliteDatabaseSource } from './open-sqlite-database.js';
export { runMigrations, type Migration, type MigrationResult, type VersionedSchema } from './run-migrations.js';
export { adviceFor, sqliteAdvice, type SqliteAdvice } from './sqlite-advice.js';
export { storeFailure, type StoreFailureOptions } from './store-failure.js';
export { maxWalRetryPauseMs, switchToWal, type SwitchToWalOptions } from './switch-to-wal.js';
