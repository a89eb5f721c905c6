// The persistence entry points of the db commands, behind one lazily imported file.
export { withMigrator, withSchemaMigrator } from '@switchboard/persistence';
