import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseEnv } from 'node:util';
import { Command } from 'commander';
import { CliError } from './cli-output';
import { GlobalOptions, loadCliConfig } from './cli-config';
import { installService } from './gateway-install';

interface InstallOptions {
  system?: boolean;
  dryRun?: boolean;
  user?: string;
  environmentFile?: string;
}

export function gatewayInstallCommand(global: () => GlobalOptions): Command {
  return new Command('install')
    .description('install the gateway as a service (systemd user unit; --system for a system unit; launchd on macOS)')
    .option('--system', 'install a system-wide service instead of a user service')
    .option('--user <name>', 'account the system service runs as (default: the current user)')
    // Not `--env-file`: Node 22 and later claim that flag anywhere on the command line, even after the script.
    .option('--environment-file <file>', 'file of KEY=value lines the service reads its environment from')
    .option('--dry-run', 'print the unit file and commands without writing anything')
    .action(async (options: InstallOptions) => {
      const configFile = global().config;
      const envFile = options.environmentFile ? path.resolve(options.environmentFile) : undefined;
      // Refuse to install a service that would not start, judged with the environment it will have.
      const config = loadCliConfig(global(), {}, readEnvFile(envFile));
      await installService({
        system: Boolean(options.system),
        dryRun: Boolean(options.dryRun),
        platform: process.platform,
        homeDir: os.homedir(),
        user: options.user ?? os.userInfo().username,
        nodePath: process.execPath,
        cliPath: path.resolve(__dirname, '..', '..', '..', '..', '..', 'bin', 'switchboard.js'),
        workingDir: process.cwd(),
        // The service starts in this directory, so a relative data directory is relative to it.
        dataDir: path.resolve(config.database.dataDir),
        configFile: configFile ? path.resolve(configFile) : undefined,
        envFile,
        shutdownTimeoutMs: config.gateway.shutdownTimeoutMs,
      });
    });
}

/** The variables of the service's environment file; none when it does not exist (yet). */
function readEnvFile(file: string | undefined): Record<string, string> {
  if (!file) return {};
  try {
    return parseEnv(fs.readFileSync(file, 'utf8')) as Record<string, string>;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw new CliError(`cannot read the environment file ${file}: ${error instanceof Error ? error.message : String(error)}`);
  }
}
