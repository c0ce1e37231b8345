/** The database layer: connections (connect), the schema and its routines (migrate), the embedded PostgreSQL. */
export { createDb, isConnectionLoss, isDatabaseAway, isDatabaseTimeout, OutcomeUnknown, untilOutcomeKnown } from './connect';
export type { Db, DbOptions } from './connect';
export { followMigrations, migrate, migrationStatus, pendingMigrations, watchIndexBuilds } from './migrate';
export type { MigrationStatus } from './migrate';
export { startEmbeddedPostgres } from './embedded';
export type { EmbeddedDatabase } from './embedded';
export { openToolDb } from './tool';
export { asRole, ensureRuntimeRole, grantRuntimeRights, roleOf, RUNTIME_ROLE, runtimeUrlOf, unsafeRuntimeRole } from './roles';
