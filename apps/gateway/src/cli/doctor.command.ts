import { Command } from 'commander';
import { GlobalOptions } from './cli-config';
import { formatChecks } from './cli-output';

export function doctorCommand(global: () => GlobalOptions): Command {
  return new Command('doctor')
    .description('check the configuration and that every configured service is reachable')
    .action(async () => {
      // Loaded on use: the checks pull in every driver, which other commands do not need.
      const { diagnose } = await import('./doctor.js');
      const rows = await diagnose(global());
      process.stdout.write(`${formatChecks(rows)}\n`);
      if (rows.some((row) => row.status === 'failed')) process.exitCode = 1;
    });
}
