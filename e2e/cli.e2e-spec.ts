import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { CLI, GatewayProcess, ROOT, run, tempDir } from './support/gateway-process';
import { createTestDatabase } from './support/postgres';

const running: GatewayProcess[] = [];
afterAll(async () => {
  for (const gateway of running) await gateway.stop('SIGKILL');
});

function portOf(url: string): string {
  return new URL(url).port;
}

describe('switchboard db', () => {
  it('check passes when the migrations match the schema', async () => {
    const result = await run([CLI, 'db', 'check']);
    expect(result.stdout).toContain('in sync');
    expect(result.code).toBe(0);
  });

  it('check fails with the missing SQL when a model is added without a migration', async () => {
    const prismaDir = tempDir('drift');
    fs.cpSync(path.join(ROOT, 'prisma'), prismaDir, { recursive: true });
    fs.appendFileSync(path.join(prismaDir, 'schema.prisma'), '\nmodel Widget {\n  id String @id\n}\n');

    const result = await run([CLI, 'db', 'check', '--prisma-dir', prismaDir]);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('CREATE TABLE "Widget"');
  });

  it('migrate and status work on a PostgreSQL database', async () => {
    const db = await createTestDatabase();
    try {
      const before = await run([CLI, 'db', 'status'], { DATABASE_URL: db.url });
      expect(before.code).toBe(1);
      expect(before.stdout).toMatch(/pending: \d{14}_init/);

      const migrate = await run([CLI, 'db', 'migrate'], { DATABASE_URL: db.url });
      expect(migrate.code).toBe(0);
      expect(migrate.stdout).toMatch(/applied \d{14}_init/);

      const after = await run([CLI, 'db', 'status'], { DATABASE_URL: db.url });
      expect(after.code).toBe(0);
      expect(after.stdout).toContain('pending: none');
    } finally {
      await db.drop();
    }
  });

  it('refuses to migrate an embedded database a running gateway holds', async () => {
    const dataDir = tempDir('cli-locked');
    const gateway = await GatewayProcess.start({ SWITCHBOARD_DATA_DIR: dataDir });
    running.push(gateway);
    const result = await run([CLI, 'db', 'migrate'], { SWITCHBOARD_DATA_DIR: dataDir });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`in use by process ${gateway.child.pid}`);
  });
});

describe('switchboard gateway status and doctor', () => {
  it('report each part of a running gateway', async () => {
    const dataDir = tempDir('cli-status');
    const gateway = await GatewayProcess.start({ SWITCHBOARD_DATA_DIR: dataDir });
    running.push(gateway);
    const env = { PORT: portOf(gateway.url), SWITCHBOARD_DATA_DIR: dataDir };

    const status = await run([CLI, 'gateway', 'status'], env);
    expect(status.code).toBe(0);
    expect(status.stdout).toContain('ready');
    expect(status.stdout).toMatch(/✓ database\s+kind=pglite/);
    expect(status.stdout).toMatch(/✓ queue\s+driver=in-process/);

    const doctor = await run([CLI, 'doctor'], env);
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toMatch(/✓ config\s+valid \(embedded mode\)/);
    expect(doctor.stdout).toMatch(/✓ gateway\s+running and ready/);
  });

  it('status says so when no gateway runs, and doctor names an unreachable Redis', async () => {
    const status = await run([CLI, 'gateway', 'status', '--port', '1']);
    expect(status.code).toBe(1);
    expect(status.stderr).toContain('no gateway answers at http://127.0.0.1:1');

    const doctor = await run([CLI, 'doctor'], { REDIS_URL: 'redis://127.0.0.1:1', SWITCHBOARD_DATA_DIR: tempDir('doctor') });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toMatch(/✗ redis\s+.*ECONNREFUSED/);
  });

  it('doctor warns (⚠, exit 0) when no gateway runs and no model is configured', async () => {
    const doctor = await run([CLI, 'doctor'], { PORT: '1', SWITCHBOARD_DATA_DIR: tempDir('doctor-fresh') });
    expect(doctor.code).toBe(0);
    expect(doctor.stdout).toMatch(/⚠ gateway\s+not running at http:\/\/127\.0\.0\.1:1/);
    expect(doctor.stdout).toMatch(/⚠ model\s+none configured/);
    expect(doctor.stdout).not.toMatch(/✓ (gateway|model)/);
  });

  it('doctor reports a bad configuration by key', async () => {
    const doctor = await run([CLI, 'doctor'], { QUEUE_CONCURRENCY: '0' });
    expect(doctor.code).toBe(1);
    expect(doctor.stdout).toContain('✗ config  invalid configuration: QUEUE_CONCURRENCY (queue.concurrency)');
  });
});

describe('switchboard gateway install', () => {
  it('prints a systemd user unit on --dry-run and writes nothing', async () => {
    const home = tempDir('home');
    const result = await run([CLI, 'gateway', 'install', '--dry-run'], { HOME: home });
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('[Service]');
    expect(result.stdout).toMatch(/ExecStart=.*switchboard\.js gateway/);
    expect(fs.readdirSync(home)).toEqual([]);
  });

  it('ends quietly with status 0 when the reader closes the pipe early (`| head`)', async () => {
    const child = spawn(process.execPath, [CLI, 'gateway', 'install', '--dry-run'], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: tempDir('home') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // Closed before the CLI has written anything: its first write meets a closed pipe.
    child.stdout.destroy();
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.on('exit', resolve));
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('takes the environment file, and lets a system unit write the data directory it names', async () => {
    const dir = tempDir('install-env');
    const envFile = path.join(dir, 'switchboard.env');
    fs.writeFileSync(envFile, 'SWITCHBOARD_DATA_DIR=/var/lib/switchboard\n');
    const result = await run([CLI, 'gateway', 'install', '--system', '--user', 'nobody', '--environment-file', envFile, '--dry-run'], {
      HOME: tempDir('home'),
    });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`EnvironmentFile=-${envFile}`);
    expect(result.stdout).toContain('ReadWritePaths=/var/lib/switchboard');
    expect(result.stdout).toContain('install -d -m 0700 -o nobody /var/lib/switchboard');
  });

  it('accepts an environment file that does not exist yet', async () => {
    const envFile = path.join(tempDir('install-env'), 'later.env');
    const result = await run([CLI, 'gateway', 'install', '--environment-file', envFile, '--dry-run'], { HOME: tempDir('home') });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`EnvironmentFile=-${envFile}`);
  });
});
