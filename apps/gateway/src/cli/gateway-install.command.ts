import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { GlobalOptions, loadCliConfig } from './cli-config';
import { installService } from './gateway-install';

interface InstallOptions {
  system?: boolean;
  dryRun?: boolean;
  user?: string;
  envFile?: string;
}

export function gatewayInstallCommand(global: () => GlobalOptions): Command {
  return new Command('install')
    .description('install the gateway as a service (systemd user unit; --system for a system unit; launchd on macOS)')
    .option('--system', 'install a system-wide service instead of a user service')
    .option('--user <name>', 'account the system service runs as (default: the current user)')
    .option('--env-file <file>', 'file of KEY=value lines the service reads its environment from')
    .option('--dry-run', 'print the unit file and commands without writing anything')
    .action(async (options: InstallOptions) => {
      const configFile = global().config;
      // Refuse to install a service that would not start.
      const config = loadCliConfig(global());
      await installService({
        system: Boolean(options.system),
        dryRun: Boolean(options.dryRun),
        platform: process.platform,
        homeDir: os.homedir(),
        user: options.user ?? os.userInfo().username,
        nodePath: process.execPath,
        cliPath: path.resolve(__dirname, '..', '..', '..', '..', '..', 'bin', 'switchboard.js'),
        workingDir: process.cwd(),
        configFile: configFile ? path.resolve(configFile) : undefined,
        envFile: options.envFile ? path.resolve(options.envFile) : undefined,
        shutdownTimeoutMs: config.gateway.shutdownTimeoutMs,
      });
    });
}
