import { describe, expect, it } from 'vitest';
import { CliError } from './cli-output';
import { InstallIo, ServiceInstallOptions, installService, planServiceInstall } from './gateway-install';

function linux(overrides: Partial<ServiceInstallOptions> = {}): ServiceInstallOptions {
  return {
    system: false,
    dryRun: false,
    platform: 'linux',
    homeDir: '/home/ada',
    user: 'ada',
    nodePath: '/usr/bin/node',
    cliPath: '/opt/switchboard/bin/switchboard.js',
    workingDir: '/opt/switchboard',
    dataDir: '/opt/switchboard/data',
    ...overrides,
  };
}

function mac(overrides: Partial<ServiceInstallOptions> = {}): ServiceInstallOptions {
  return linux({
    platform: 'darwin',
    homeDir: '/Users/ada',
    nodePath: '/usr/local/bin/node',
    ...overrides,
  });
}

function settings(content: string): string[] {
  return content.split('\n');
}

function recordingIo(failWith?: NodeJS.ErrnoException) {
  const calls = { mkdir: [] as string[], write: [] as Array<[string, string]>, log: [] as string[] };
  const io: InstallIo = {
    mkdir: async (dir) => {
      if (failWith) throw failWith;
      calls.mkdir.push(dir);
    },
    write: async (file, content) => {
      calls.write.push([file, content]);
    },
    log: (line) => {
      calls.log.push(line);
    },
  };
  return { io, calls };
}

describe('planServiceInstall on Linux', () => {
  it('writes a systemd user unit under ~/.config that starts `switchboard gateway`', () => {
    const plan = planServiceInstall(linux());

    expect(plan.path).toBe('/home/ada/.config/systemd/user/switchboard.service');
    const lines = settings(plan.content);
    expect(lines).toContain('ExecStart=/usr/bin/node /opt/switchboard/bin/switchboard.js gateway');
    expect(lines).toContain('WorkingDirectory=/opt/switchboard');
    expect(lines).toContain('Restart=on-failure');
    expect(lines).toContain('KillSignal=SIGTERM');
    expect(lines).toContain('TimeoutStopSec=20');
    expect(lines).toContain('WantedBy=default.target');
    // A user unit cannot switch user nor order itself after system targets.
    expect(plan.content).not.toMatch(/^User=|network-online|ProtectSystem/m);
    expect(plan.content).not.toContain('EnvironmentFile');
    expect(plan.commands).toEqual([
      'loginctl enable-linger ada',
      'systemctl --user daemon-reload',
      'systemctl --user enable --now switchboard',
    ]);
  });

  it('writes a hardened system unit that runs as the given user', () => {
    const plan = planServiceInstall(
      linux({ system: true, user: 'switchboard', configFile: '/etc/switchboard/config.yaml', envFile: '/etc/switchboard/env' }),
    );

    expect(plan.path).toBe('/etc/systemd/system/switchboard.service');
    const lines = settings(plan.content);
    expect(lines).toContain('User=switchboard');
    expect(lines).toContain(
      'ExecStart=/usr/bin/node /opt/switchboard/bin/switchboard.js gateway --config /etc/switchboard/config.yaml',
    );
    expect(lines).toContain('EnvironmentFile=-/etc/switchboard/env');
    expect(lines).toContain('After=network-online.target');
    expect(lines).toContain('NoNewPrivileges=yes');
    expect(lines).toContain('PrivateTmp=yes');
    expect(lines).toContain('ProtectSystem=strict');
    expect(lines).toContain('ReadWritePaths=/opt/switchboard/data');
    expect(lines).toContain('WantedBy=multi-user.target');
    expect(plan.commands).toEqual([
      'install -d -m 0700 -o switchboard /opt/switchboard/data',
      'systemctl daemon-reload',
      'systemctl enable --now switchboard',
    ]);
  });

  it('lets a system unit write the configured data directory, not the working directory', () => {
    const plan = planServiceInstall(linux({ system: true, user: 'switchboard', dataDir: '/var/lib/switchboard' }));

    const lines = settings(plan.content);
    expect(lines).toContain('ReadWritePaths=/var/lib/switchboard');
    expect(plan.content).not.toContain('ReadWritePaths=/opt/switchboard');
    expect(lines).toContain('PrivateTmp=yes');
    expect(plan.commands[0]).toBe('install -d -m 0700 -o switchboard /var/lib/switchboard');
  });

  it('keeps the real /tmp for a data directory under /tmp, which a private /tmp would hide', () => {
    const plan = planServiceInstall(linux({ system: true, user: 'switchboard', dataDir: '/tmp/switchboard-data' }));

    expect(settings(plan.content)).toContain('ReadWritePaths=/tmp/switchboard-data');
    expect(plan.content).not.toContain('PrivateTmp');
  });

  it('gives the gateway its drain timeout plus a margin before systemd kills it', () => {
    const plan = planServiceInstall(linux({ shutdownTimeoutMs: 45_500 }));

    expect(settings(plan.content)).toContain('TimeoutStopSec=56');
  });

  it('quotes ExecStart words with spaces or quotes and escapes %, $ and backslashes', () => {
    const plan = planServiceInstall(
      linux({
        system: true,
        nodePath: '/home/ada/.nvm/versions/node/v20.20.0/bin/node',
        cliPath: '/home/ada/My Apps/switchboard/bin/switchboard.js',
        workingDir: '/home/ada/My Apps/switchboard',
        dataDir: '/home/ada/My Apps/switchboard/data',
        configFile: '/home/ada/50% "prod" $HOME\\x.yaml',
        envFile: '/home/ada/My Apps/100%.env',
      }),
    );

    const lines = settings(plan.content);
    expect(lines).toContain(
      'ExecStart=/home/ada/.nvm/versions/node/v20.20.0/bin/node "/home/ada/My Apps/switchboard/bin/switchboard.js" gateway ' +
        '--config "/home/ada/50%% \\"prod\\" $$HOME\\\\x.yaml"',
    );
    // These settings take the whole rest of the line as one path: no quotes, only %-escapes.
    expect(lines).toContain('WorkingDirectory=/home/ada/My Apps/switchboard');
    expect(lines).toContain('EnvironmentFile=-/home/ada/My Apps/100%%.env');
    // ReadWritePaths is a space-separated list, so a path with a space is quoted.
    expect(lines).toContain('ReadWritePaths="/home/ada/My Apps/switchboard/data"');
  });

  it('keeps a $ in the executable path as is, since systemd expands variables only in arguments', () => {
    const plan = planServiceInstall(linux({ nodePath: '/opt/node $1/bin/node' }));

    expect(settings(plan.content)).toContain('ExecStart="/opt/node $1/bin/node" /opt/switchboard/bin/switchboard.js gateway');
  });

  it('refuses a Node path with a quote, which systemd cannot run', () => {
    expect(() => planServiceInstall(linux({ nodePath: "/opt/o'node/bin/node" }))).toThrow(/contains a quote or a backslash/);
  });
});

describe('planServiceInstall on macOS', () => {
  it('writes a launchd agent in ~/Library/LaunchAgents that restarts the gateway after a crash', () => {
    const plan = planServiceInstall(mac({ configFile: '/Users/ada/switchboard.yaml' }));

    expect(plan.path).toBe('/Users/ada/Library/LaunchAgents/ai.switchboard.gateway.plist');
    expect(plan.content).toContain('<key>Label</key>\n  <string>ai.switchboard.gateway</string>');
    expect(plan.content).toContain(
      [
        '  <key>ProgramArguments</key>',
        '  <array>',
        '    <string>/usr/local/bin/node</string>',
        '    <string>/opt/switchboard/bin/switchboard.js</string>',
        '    <string>gateway</string>',
        '    <string>--config</string>',
        '    <string>/Users/ada/switchboard.yaml</string>',
        '  </array>',
      ].join('\n'),
    );
    expect(plan.content).toContain('<key>WorkingDirectory</key>\n  <string>/opt/switchboard</string>');
    expect(plan.content).toContain('<key>RunAtLoad</key>\n  <true/>');
    expect(plan.content).toContain('<key>KeepAlive</key>\n  <dict>\n    <key>SuccessfulExit</key>\n    <false/>');
    expect(plan.content).toContain('<key>ExitTimeOut</key>\n  <integer>20</integer>');
    expect(plan.content).toContain('<key>StandardOutPath</key>\n  <string>/Users/ada/Library/Logs/switchboard/gateway.log</string>');
    expect(plan.content).toContain(
      '<key>StandardErrorPath</key>\n  <string>/Users/ada/Library/Logs/switchboard/gateway.error.log</string>',
    );
    expect(plan.content).not.toContain('UserName');
    expect(plan.commands).toEqual([
      'mkdir -p /Users/ada/Library/Logs/switchboard',
      'launchctl load -w /Users/ada/Library/LaunchAgents/ai.switchboard.gateway.plist',
    ]);
  });

  it('writes a launchd daemon in /Library/LaunchDaemons that runs as the given user', () => {
    const plan = planServiceInstall(mac({ system: true, user: '_switchboard' }));

    expect(plan.path).toBe('/Library/LaunchDaemons/ai.switchboard.gateway.plist');
    expect(plan.content).toContain('<key>UserName</key>\n  <string>_switchboard</string>');
    expect(plan.content).toContain('<string>/Library/Logs/switchboard/gateway.log</string>');
    expect(plan.commands).toEqual([
      'mkdir -p /Library/Logs/switchboard',
      'chown _switchboard /Library/Logs/switchboard',
      'launchctl load -w /Library/LaunchDaemons/ai.switchboard.gateway.plist',
    ]);
  });

  it('has Node load the environment file, since launchd cannot', () => {
    const plan = planServiceInstall(mac({ envFile: '/Users/ada/.switchboard.env' }));

    expect(plan.content).toContain(
      '    <string>/usr/local/bin/node</string>\n    <string>--env-file=/Users/ada/.switchboard.env</string>\n',
    );
  });

  it('escapes XML in every value and shell-quotes paths in the commands', () => {
    const plan = planServiceInstall(
      mac({ homeDir: "/Users/O'Brien & <Co>", workingDir: '/Users/x/"sb" & co', configFile: '/Users/x/a<b>.yaml' }),
    );

    expect(plan.content).toContain('<string>/Users/x/&quot;sb&quot; &amp; co</string>');
    expect(plan.content).toContain('<string>/Users/x/a&lt;b&gt;.yaml</string>');
    expect(plan.content).toContain('<string>/Users/O&apos;Brien &amp; &lt;Co&gt;/Library/Logs/switchboard/gateway.log</string>');
    // Every & left in the document starts an entity.
    expect(plan.content.match(/&(?!amp;|lt;|gt;|quot;|apos;)/g)).toBeNull();
    expect(plan.commands).toContain(`launchctl load -w '/Users/O'\\''Brien & <Co>/Library/LaunchAgents/ai.switchboard.gateway.plist'`);
  });
});

describe('planServiceInstall checks', () => {
  it('refuses a platform without systemd or launchd support and names it', () => {
    expect(() => planServiceInstall(linux({ platform: 'win32' }))).toThrow(CliError);
    expect(() => planServiceInstall(linux({ platform: 'win32' }))).toThrow(/not win32/);
    expect(() => planServiceInstall(linux({ platform: 'freebsd' }))).toThrow(/not freebsd/);
  });

  it('refuses relative paths, which the service manager would resolve elsewhere', () => {
    expect(() => planServiceInstall(linux({ configFile: 'switchboard.yaml' }))).toThrow(
      'configFile must be an absolute path, got "switchboard.yaml"',
    );
  });

  it('refuses a path with a newline, which would inject a setting into the unit', () => {
    expect(() => planServiceInstall(linux({ workingDir: '/opt/sb\nExecStartPre=/bin/evil' }))).toThrow(
      'workingDir contains a control character',
    );
  });

  it('refuses a system service user name with spaces', () => {
    expect(() => planServiceInstall(linux({ system: true, user: 'ada lovelace' }))).toThrow(/not a user name/);
  });
});

describe('installService', () => {
  it('on a dry run prints the file and the commands and writes nothing', async () => {
    const { io, calls } = recordingIo();

    const plan = await installService(linux({ dryRun: true }), io);

    expect(calls.mkdir).toEqual([]);
    expect(calls.write).toEqual([]);
    expect(calls.log[0]).toBe('# /home/ada/.config/systemd/user/switchboard.service (dry run: nothing written)');
    expect(calls.log).toContain(plan.content);
    expect(calls.log).toContain('  systemctl --user enable --now switchboard');
  });

  it('creates the folder, writes the file and prints the commands to run', async () => {
    const { io, calls } = recordingIo();

    const plan = await installService(linux({ system: true }), io);

    expect(calls.mkdir).toEqual(['/etc/systemd/system']);
    expect(calls.write).toEqual([['/etc/systemd/system/switchboard.service', plan.content]]);
    expect(calls.log).toEqual([
      'wrote /etc/systemd/system/switchboard.service',
      'to enable and start it, run as root:',
      '  install -d -m 0700 -o ada /opt/switchboard/data',
      '  systemctl daemon-reload',
      '  systemctl enable --now switchboard',
    ]);
  });

  it('turns a permission error into a one-line hint', async () => {
    const denied = Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' });
    const { io } = recordingIo(denied);

    await expect(installService(linux({ system: true }), io)).rejects.toThrow(
      'cannot write /etc/systemd/system/switchboard.service, permission denied: a system service is installed as root',
    );
  });

  it('refuses an unsupported platform before touching anything', async () => {
    const { io, calls } = recordingIo();

    await expect(installService(linux({ platform: 'win32' }), io)).rejects.toThrow(/not win32/);
    expect(calls).toEqual({ mkdir: [], write: [], log: [] });
  });
});
