import { Command } from 'commander';
import { redactUrl } from '@switchboard/config';
import { GlobalOptions, loadCliConfig } from './cli-config';
import { CliError } from './cli-output';

// Prisma and the schema engine load only when a db command runs.
type Persistence = typeof import('./db-persistence.js');
const withMigrator: Persistence['withMigrator'] = async (...args) => (await import('./db-persistence.js')).withMigrator(...args);
const withSchemaMigrator: Persistence['withSchemaMigrator'] = async (...args) =>
  (await import('./db-persistence.js')).withSchemaMigrator(...args);

export function dbCommand(global: () => GlobalOptions): Command {
  const db = new Command('db').description('database migrations (Prisma migrations, applied without the native engine)');
  const target = () => {
    const config = loadCliConfig(global());
    const label = config.database.url ? `PostgreSQL ${redactUrl(config.database.url)}` : `PGlite ${config.database.dataDir}`;
    return { target: { url: config.database.url, dataDir: config.database.dataDir }, label };
  };

  db.command('migrate')
    .description('apply pending migrations (the gateway also does this at start)')
    .action(async () => {
      const { target: where, label } = target();
      const applied = await withMigrator(where, (migrator) => migrator.apply());
      process.stdout.write(`${label}: ${applied.length ? `applied ${applied.join(', ')}` : 'no pending migrations'}\n`);
    });

  db.command('status')
    .description('list applied, pending, failed and edited migrations; exit 1 unless up to date')
    .action(async () => {
      const { target: where, label } = target();
      const status = await withMigrator(where, (migrator) => migrator.status());
      const lines = [
        `${label}`,
        `  applied: ${status.applied.length}`,
        `  pending: ${status.pending.join(', ') || 'none'}`,
        `  failed:  ${status.failed.join(', ') || 'none'}`,
        `  edited:  ${status.edited.join(', ') || 'none'}`,
      ];
      process.stdout.write(`${lines.join('\n')}\n`);
      if (status.pending.length || status.failed.length || status.edited.length) process.exitCode = 1;
    });

  db.command('check')
    .description('fail (exit 1) when prisma/schema.prisma and prisma/migrations disagree')
    .option('--prisma-dir <dir>', 'folder with schema.prisma and migrations/ (default: the project\'s prisma/)')
    .action(async (options: { prismaDir?: string }) => {
      const result = await withSchemaMigrator(options, (migrator) => migrator.check());
      if (result.inSync) {
        process.stdout.write('schema.prisma and prisma/migrations are in sync\n');
        return;
      }
      process.stderr.write(`drift: schema.prisma needs SQL that no migration has:\n\n${result.missingSql}\n\n`);
      throw new CliError('create a migration with `npm run db:create-migration -- <name>`');
    });

  db.command('create-migration')
    .argument('<name>', 'what the change does, e.g. add_api_keys')
    .description('write prisma/migrations/<timestamp>_<name>/migration.sql from the schema changes')
    .option('--prisma-dir <dir>', 'folder with schema.prisma and migrations/ (default: the project\'s prisma/)')
    .action(async (name: string, options: { prismaDir?: string }) => {
      const dir = await withSchemaMigrator(options, (migrator) => migrator.createMigration(name));
      process.stdout.write(dir ? `created ${dir}/migration.sql\n` : 'already in sync: no migration created\n');
    });

  db.command('resolve')
    .argument('<migration>', 'migration folder name')
    .option('--applied', 'record it as applied')
    .option('--rolled-back', 'record it as rolled back')
    .description('mark a failed migration as applied or rolled back (like `prisma migrate resolve`)')
    .action(async (migration: string, options: { applied?: boolean; rolledBack?: boolean }) => {
      if (Boolean(options.applied) === Boolean(options.rolledBack)) throw new CliError('give exactly one of --applied or --rolled-back');
      const { target: where, label } = target();
      await withMigrator(where, (migrator) => migrator.resolve(migration, options.applied ? 'applied' : 'rolled-back'));
      process.stdout.write(`${label}: ${migration} marked ${options.applied ? 'applied' : 'rolled back'}\n`);
    });

  return db;
}
