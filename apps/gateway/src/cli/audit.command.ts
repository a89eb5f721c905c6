import { Command, Option } from 'commander';
import type { AuditAdmin } from '@switchboard/admin-api';
import { GlobalOptions, loadCliConfig } from './cli-config';
import { CliError } from './cli-output';

async function withAdmin<T>(global: () => GlobalOptions, work: (admin: AuditAdmin) => Promise<T>): Promise<T> {
  const { withAuditAdmin } = await import('./audit-admin.client.js');
  return withAuditAdmin(loadCliConfig(global()), work);
}

export function auditCommand(global: () => GlobalOptions): Command {
  const command = new Command('audit').description('the tamper-evident audit log');

  command
    .command('verify')
    .description('check the hash chain: exit 0 when intact, 2 naming the first bad event otherwise')
    .action(async () => {
      const result = await withAdmin(global, (admin) => admin.verify());
      if (!result.intact) throw new CliError(`audit log NOT intact: ${result.firstBad?.reason} (checked ${result.checked} events)`, 2);
      const head = result.head ? `; newest event ${result.head.seq}, hash ${result.head.hash} (keep it elsewhere to detect a later truncation)` : '';
      process.stdout.write(`audit log intact: ${result.checked} events checked${head}\n`);
    });

  command
    .command('export')
    .description('write every event, oldest first, to stdout')
    .addOption(new Option('--format <format>', 'csv or jsonl').choices(['csv', 'jsonl']).default('jsonl'))
    .action(async (options: { format: 'csv' | 'jsonl' }) => {
      await withAdmin(global, async (admin) => {
        for await (const line of admin.export(options.format)) {
          if (!process.stdout.write(line)) await new Promise((resolve) => process.stdout.once('drain', resolve));
        }
      });
    });
  return command;
}
