import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { GatewayProcess, run, GATEWAY_MAIN, tempDir } from './support/gateway-process';
import { REDIS_URL, createTestDatabase } from './support/postgres';

const running: GatewayProcess[] = [];
// Each gateway here makes its own embedded database: this file is the one that tests a first start.
async function start(env: Record<string, string>): Promise<GatewayProcess> {
  const gateway = await GatewayProcess.start(env, [], { firstStart: true });
  running.push(gateway);
  return gateway;
}

afterEach(async () => {
  for (const gateway of running.splice(0)) await gateway.stop('SIGKILL');
});

// The body's shape is what the assertions check.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
async function getJson(url: string): Promise<{ status: number; body: any }> {
  const response = await fetch(url);
  return { status: response.status, body: await response.json() };
}

describe('gateway process', () => {
  it('serves health, readiness and metrics in embedded mode, and exits 0 on Ctrl-C', async () => {
    const gateway = await start({ SWITCHBOARD_DATA_DIR: tempDir('embedded') });

    const health = await getJson(`${gateway.url}/health`);
    expect(health.status).toBe(200);
    expect(health.body.status).toBe('ok');

    const ready = await getJson(`${gateway.url}/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body.details.database).toMatchObject({ status: 'up', kind: 'pglite' });
    expect(ready.body.details.queue).toMatchObject({ status: 'up', driver: 'in-process' });

    const metrics = await fetch(`${gateway.url}/metrics`).then((r) => r.text());
    expect(metrics).toContain('switchboard_build_info{version="0.1.0",database="pglite",queue="in-process"} 1');
    expect(metrics).toContain('switchboard_queue_depth{queue="message.process",state="waiting"} 0');
    expect(metrics).toContain('process_resident_memory_bytes');

    const exit = await gateway.stop('SIGINT');
    expect(exit.code).toBe(0);
    expect(exit.stderr).toContain('shutting down');
  });

  it('uses PostgreSQL and BullMQ when DATABASE_URL and REDIS_URL are set', async () => {
    const db = await createTestDatabase();
    try {
      const gateway = await start({ DATABASE_URL: db.url, REDIS_URL });
      const ready = await getJson(`${gateway.url}/ready`);
      expect(ready.status).toBe(200);
      expect(ready.body.details.database).toMatchObject({ status: 'up', kind: 'postgres' });
      expect(ready.body.details.queue).toMatchObject({ status: 'up', driver: 'bullmq' });
      expect((await gateway.stop('SIGTERM')).code).toBe(0);
    } finally {
      await db.drop();
    }
  });

  it('answers /ready with 503 naming the queue when Redis is unreachable', async () => {
    const gateway = await start({ SWITCHBOARD_DATA_DIR: tempDir('no-redis'), REDIS_URL: 'redis://127.0.0.1:1' });
    const ready = await getJson(`${gateway.url}/ready`);
    expect(ready.status).toBe(503);
    expect(ready.body.error.queue.status).toBe('down');
    expect(ready.body.details.database.status).toBe('up');
    expect((await getJson(`${gateway.url}/health`)).status).toBe(200);
  });

  it('stops with one line naming the key when a config value is bad', async () => {
    const result = await run([GATEWAY_MAIN], { PORT: 'abc', SWITCHBOARD_DATA_DIR: tempDir('bad-config') });
    expect(result.code).toBe(78);
    expect(result.stderr.trim().split('\n')).toEqual([
      'switchboard: invalid configuration: PORT (gateway.port): expected a TCP port number',
    ]);
  });

  it('creates the embedded database of a first start apart, and names the directory when that fails', async () => {
    const notADirectory = path.join(tempDir('blocked'), 'file');
    fs.writeFileSync(notADirectory, 'a file where the data directory should be');
    const result = await run([GATEWAY_MAIN], { SWITCHBOARD_DATA_DIR: notADirectory, PORT: '0', LOG_LEVEL: 'warn' });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toContain(`creating the embedded database in ${notADirectory} failed`);
  });

  it('refuses to open an embedded data directory that another gateway holds', async () => {
    const dataDir = tempDir('locked');
    const first = await start({ SWITCHBOARD_DATA_DIR: dataDir });
    const second = await run([GATEWAY_MAIN], { SWITCHBOARD_DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'warn' });
    expect(second.code).not.toBe(0);
    expect(second.stderr).toContain(`in use by process ${first.child.pid}`);
    expect((await getJson(`${first.url}/ready`)).status).toBe(200);
  });

  it("logs its subsystems at info and Nest's module and route lines only at debug", async () => {
    const framework = /"context":"(InstanceLoader|RoutesResolver|RouterExplorer|NestFactory|NestApplication)"/;
    const startedWith = async (level: string) => {
      const gateway = await start({ SWITCHBOARD_DATA_DIR: tempDir('log-level'), LOG_LEVEL: level, LOG_PRETTY: 'false' });
      // The start-up lines are written once the application is up.
      await expect.poll(() => gateway.stdout).toContain('"context":"Database"');
      return gateway.stdout.split('\n').filter((line) => line.startsWith('{'));
    };

    const info = await startedWith('info');
    expect(info.filter((line) => framework.test(line))).toEqual([]);
    expect(info.length).toBeLessThan(10);

    const debug = await startedWith('debug');
    expect(debug.some((line) => line.includes('"context":"RouterExplorer"') && line.includes('Mapped {/health, GET}'))).toBe(true);
  });
});
