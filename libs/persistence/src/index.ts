export { DataDirLock } from './data-dir.lock';
export { DatabaseProbe } from './database.probe';
export { withMigrator, withSchemaMigrator } from './migration-target';
export type { MigrationTarget } from './migration-target';
export { Migrator } from './migrations/migrator';
export { PersistenceModule } from './persistence.module';
export { QueueJobRepository } from './queue-jobs/queue-job.repository';
export type { JobCounts, NewStoredJob, StoredJob, StoredJobStatus } from './queue-jobs/queue-job.repository';
