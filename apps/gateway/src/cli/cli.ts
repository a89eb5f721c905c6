import { Command, CommanderError } from 'commander';
import { configReferenceMarkdown } from '@switchboard/config';
import { version } from '../version';
import { GlobalOptions } from './cli-config';
import { allowlistCommand, pairingCommand } from './access.command';
import { apiKeysCommand } from './apikeys.command';
import { auditCommand } from './audit.command';
import { CliError, endQuietlyWhenStdoutCloses } from './cli-output';
import { cronCommand } from './cron.command';
import { dbCommand } from './db.command';
import { devicesCommand } from './devices.command';
import { doctorCommand } from './doctor.command';
import { gatewayInstallCommand } from './gateway-install.command';
import { gatewayRunCommand } from './gateway-run.command';
import { gatewayStatusCommand } from './gateway-status.command';
import { usersCommand } from './users.command';
import { workerCommand } from './worker.command';

export function buildProgram(): Command {
  const program = new Command('switchboard')
    .description('Switchboard: a self-hosted AI messaging gateway')
    .version(version)
    .option('-c, --config <file>', 'YAML configuration file (env SWITCHBOARD_CONFIG)')
    .showHelpAfterError()
    .exitOverride();
  const global = (): GlobalOptions => program.opts<GlobalOptions>();

  const gateway = new Command('gateway').description('run and manage the gateway');
  gateway.addCommand(gatewayRunCommand(global), { isDefault: true });
  gateway.addCommand(gatewayStatusCommand(global));
  gateway.addCommand(gatewayInstallCommand(global));
  program.addCommand(gateway);
  program.addCommand(workerCommand(global));
  program.addCommand(allowlistCommand(global));
  program.addCommand(pairingCommand(global));
  program.addCommand(apiKeysCommand(global));
  program.addCommand(devicesCommand(global));
  program.addCommand(usersCommand(global));
  program.addCommand(auditCommand(global));
  program.addCommand(cronCommand(global));
  program.addCommand(dbCommand(global));
  program.addCommand(doctorCommand(global));
  program
    .command('config-reference')
    .description('print the configuration reference (Markdown) generated from the schema')
    .action(() => {
      process.stdout.write(`${configReferenceMarkdown()}\n`);
    });
  return program;
}

/** Runs one command; expected failures print `switchboard: <reason>` and set the exit code. */
export async function runCli(argv: string[]): Promise<void> {
  endQuietlyWhenStdoutCloses();
  try {
    await buildProgram().parseAsync(argv, { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (error instanceof CliError) {
      process.stderr.write(`switchboard: ${error.message}\n`);
      process.exitCode = error.exitCode;
      return;
    }
    // Unexpected: the message in one line; Nest's logger has already logged the details.
    process.stderr.write(`switchboard: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) void runCli(process.argv.slice(2));
