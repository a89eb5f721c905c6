import { promises as fs } from 'node:fs';
import path from 'node:path';
import { CliError } from './cli-output';

export interface ServiceInstallOptions {
  system: boolean;
  dryRun: boolean;
  platform: NodeJS.Platform;
  homeDir: string;
  user: string;
  nodePath: string;
  cliPath: string;
  workingDir: string;
  /** The gateway's data directory (SWITCHBOARD_DATA_DIR), absolute: the one place it writes. */
  dataDir: string;
  configFile?: string;
  envFile?: string;
  /** The gateway's drain timeout (SWITCHBOARD_SHUTDOWN_TIMEOUT_MS); default 10000. */
  shutdownTimeoutMs?: number;
}

/** The service file to write and the commands that enable and start it, in order. */
export interface ServicePlan {
  path: string;
  content: string;
  commands: string[];
}

/** What installService does to the outside world, so specs can run it without touching system paths. */
export interface InstallIo {
  mkdir(dir: string): Promise<void>;
  write(file: string, content: string): Promise<void>;
  log(line: string): void;
}

export const fileSystemIo: InstallIo = {
  mkdir: async (dir) => {
    await fs.mkdir(dir, { recursive: true });
  },
  write: (file, content) => fs.writeFile(file, content, { mode: 0o644 }),
  log: (line) => {
    process.stdout.write(`${line}\n`);
  },
};

const SERVICE_NAME = 'switchboard';
const LAUNCHD_LABEL = 'ai.switchboard.gateway';
const DEFAULT_SHUTDOWN_TIMEOUT_MS = 10_000;
// After the job drain the gateway still closes the HTTP server, queue and database.
const STOP_MARGIN_SECONDS = 10;

export function planServiceInstall(options: ServiceInstallOptions): ServicePlan {
  if (options.platform !== 'linux' && options.platform !== 'darwin') {
    throw new CliError(
      `gateway install supports Linux (systemd) and macOS (launchd), not ${options.platform}; run \`switchboard gateway\` under your own service manager`,
    );
  }
  validate(options);
  return options.platform === 'linux' ? planSystemd(options) : planLaunchd(options);
}

/** Writes the service file (or only prints it on a dry run) and prints the commands to run next. */
export async function installService(options: ServiceInstallOptions, io: InstallIo = fileSystemIo): Promise<ServicePlan> {
  const plan = planServiceInstall(options);
  if (options.dryRun) {
    io.log(`# ${plan.path} (dry run: nothing written)`);
    io.log(plan.content);
  } else {
    try {
      await io.mkdir(path.posix.dirname(plan.path));
      await io.write(plan.path, plan.content);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'EACCES' && code !== 'EPERM') throw error;
      const hint = options.system ? ': a system service is installed as root (or use --dry-run to print it)' : '';
      throw new CliError(`cannot write ${plan.path}, permission denied${hint}`);
    }
    io.log(`wrote ${plan.path}`);
  }
  io.log(`to enable and start it, run${options.system ? ' as root' : ''}:`);
  for (const command of plan.commands) io.log(`  ${command}`);
  return plan;
}

function validate(options: ServiceInstallOptions): void {
  const paths: Array<[string, string | undefined]> = [
    ['homeDir', options.homeDir],
    ['nodePath', options.nodePath],
    ['cliPath', options.cliPath],
    ['workingDir', options.workingDir],
    ['dataDir', options.dataDir],
    ['configFile', options.configFile],
    ['envFile', options.envFile],
  ];
  for (const [name, value] of paths) {
    if (value === undefined) continue;
    // The service manager starts from another directory, so relative paths would point elsewhere.
    if (!path.posix.isAbsolute(value)) throw new CliError(`${name} must be an absolute path, got "${value}"`);
    // A newline would end the setting early and let the rest of the value become another setting.
    if ([...value].some((char) => char < ' ' || char === '\x7f')) throw new CliError(`${name} contains a control character`);
  }
  if (options.system && !/^[\w.][\w.-]*$/.test(options.user)) {
    throw new CliError(`"${options.user}" is not a user name the service can run as`);
  }
}

function gatewayArgs(options: ServiceInstallOptions): string[] {
  return [options.cliPath, 'gateway', ...(options.configFile ? ['--config', options.configFile] : [])];
}

function stopTimeoutSeconds(options: ServiceInstallOptions): number {
  return Math.ceil((options.shutdownTimeoutMs ?? DEFAULT_SHUTDOWN_TIMEOUT_MS) / 1000) + STOP_MARGIN_SECONDS;
}

function planSystemd(options: ServiceInstallOptions): ServicePlan {
  const { system } = options;
  const unitPath = system
    ? `/etc/systemd/system/${SERVICE_NAME}.service`
    : path.posix.join(options.homeDir, '.config', 'systemd', 'user', `${SERVICE_NAME}.service`);
  // systemd refuses an executable path holding quotes or backslashes, however it is quoted.
  if (/["'\\]/.test(options.nodePath)) {
    throw new CliError(`systemd cannot run ${options.nodePath}: its path contains a quote or a backslash`);
  }
  // systemd does not expand $VAR in the executable path, only in the arguments.
  const execStart = [unitWord(options.nodePath), ...gatewayArgs(options).map(execArg)].join(' ');
  const lines = [
    '# Written by `switchboard gateway install`.',
    '[Unit]',
    'Description=Switchboard AI messaging gateway',
    // network-online.target exists only in the system manager.
    ...(system ? ['Wants=network-online.target', 'After=network-online.target'] : []),
    '',
    '[Service]',
    ...(system ? [`User=${escapeSpecifiers(options.user)}`] : []),
    `WorkingDirectory=${escapeSpecifiers(options.workingDir)}`,
    ...(options.envFile ? [`EnvironmentFile=-${escapeSpecifiers(options.envFile)}`] : []),
    `ExecStart=${execStart}`,
    'Restart=on-failure',
    'RestartSec=5',
    'KillSignal=SIGTERM',
    `TimeoutStopSec=${stopTimeoutSeconds(options)}`,
    'SyslogIdentifier=switchboard',
    ...(system
      ? [
          'NoNewPrivileges=yes',
          // A private /tmp would hide a data directory kept under /tmp.
          ...(isUnderTmp(options.dataDir) ? [] : ['PrivateTmp=yes']),
          'ProtectSystem=strict',
          // The data directory (embedded database, runtime file) is the only place the gateway writes.
          `ReadWritePaths=${unitWord(options.dataDir)}`,
          'ProtectKernelTunables=yes',
          'ProtectKernelModules=yes',
          'ProtectControlGroups=yes',
          'RestrictSUIDSGID=yes',
        ]
      : []),
    '',
    '[Install]',
    `WantedBy=${system ? 'multi-user.target' : 'default.target'}`,
  ];
  const systemctl = system ? 'systemctl' : 'systemctl --user';
  return {
    path: unitPath,
    content: `${lines.join('\n')}\n`,
    commands: [
      // Without lingering, a user's services stop at logout and do not start at boot.
      ...(system ? [] : [`loginctl enable-linger ${shellWord(options.user)}`]),
      // ProtectSystem=strict keeps the service from creating it, and systemd needs it to exist.
      ...(system ? [`install -d -m 0700 -o ${shellWord(options.user)} ${shellWord(options.dataDir)}`] : []),
      `${systemctl} daemon-reload`,
      `${systemctl} enable --now ${SERVICE_NAME}`,
    ],
  };
}

function planLaunchd(options: ServiceInstallOptions): ServicePlan {
  const { system } = options;
  const library = system ? '/Library' : path.posix.join(options.homeDir, 'Library');
  const plistPath = path.posix.join(library, system ? 'LaunchDaemons' : 'LaunchAgents', `${LAUNCHD_LABEL}.plist`);
  const logDir = path.posix.join(library, 'Logs', SERVICE_NAME);
  // launchd has no environment-file setting; Node reads one itself.
  const programArguments = [options.nodePath, ...(options.envFile ? [`--env-file=${options.envFile}`] : []), ...gatewayArgs(options)];
  const lines = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">',
    '<!-- Written by `switchboard gateway install`. -->',
    '<plist version="1.0">',
    '<dict>',
    '  <key>Label</key>',
    `  <string>${xml(LAUNCHD_LABEL)}</string>`,
    '  <key>ProgramArguments</key>',
    '  <array>',
    ...programArguments.map((arg) => `    <string>${xml(arg)}</string>`),
    '  </array>',
    '  <key>WorkingDirectory</key>',
    `  <string>${xml(options.workingDir)}</string>`,
    ...(system ? ['  <key>UserName</key>', `  <string>${xml(options.user)}</string>`] : []),
    '  <key>RunAtLoad</key>',
    '  <true/>',
    // Restart after a crash, not after a clean stop (the gateway exits 0 once drained).
    '  <key>KeepAlive</key>',
    '  <dict>',
    '    <key>SuccessfulExit</key>',
    '    <false/>',
    '  </dict>',
    '  <key>ExitTimeOut</key>',
    `  <integer>${stopTimeoutSeconds(options)}</integer>`,
    '  <key>StandardOutPath</key>',
    `  <string>${xml(path.posix.join(logDir, 'gateway.log'))}</string>`,
    '  <key>StandardErrorPath</key>',
    `  <string>${xml(path.posix.join(logDir, 'gateway.error.log'))}</string>`,
    '</dict>',
    '</plist>',
  ];
  return {
    path: plistPath,
    content: `${lines.join('\n')}\n`,
    commands: [
      // launchd does not create the log directory; a daemon opens its logs as its own user.
      `mkdir -p ${shellWord(logDir)}`,
      ...(system ? [`chown ${shellWord(options.user)} ${shellWord(logDir)}`] : []),
      `launchctl load -w ${shellWord(plistPath)}`,
    ],
  };
}

function isUnderTmp(dir: string): boolean {
  return ['/tmp', '/var/tmp'].some((tmp) => dir === tmp || dir.startsWith(`${tmp}/`));
}

const PLAIN_WORD = /^[\w@%+=:,./-]+$/;

// systemd replaces %-specifiers in unit settings; a literal % is written %%.
function escapeSpecifiers(value: string): string {
  return value.replaceAll('%', '%%');
}

// A word of a space-separated unit setting: double-quoted, with C-style escapes, unless plain.
function unitWord(value: string): string {
  const escaped = escapeSpecifiers(value);
  return PLAIN_WORD.test(escaped) ? escaped : `"${escaped.replace(/[\\"]/g, '\\$&')}"`;
}

// ExecStart arguments also expand $VAR and ${VAR}; a literal $ is written $$.
function execArg(value: string): string {
  return unitWord(value.replaceAll('$', '$$$$'));
}

function shellWord(value: string): string {
  return PLAIN_WORD.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

function xml(value: string): string {
  return value
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&apos;');
}
