import { describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { ReadinessService } from '@switchboard/observability';
import type { SessionRepository } from '@switchboard/persistence';
import type { QueueDriver } from '@switchboard/queue';
import { ConnectionInfo } from '../../ws/server/method.registry';
import { GatewaySnapshotService } from './gateway-snapshot.service';

function connection(connId: string): ConnectionInfo {
  return {
    connId,
    role: 'operator',
    scopes: ['operator.read'],
    authMethod: 'device-token',
    protocol: 4,
    client: { id: 'openclaw-node', version: '0.14.0', platform: 'linux', mode: 'backend' },
    deviceId: 'a'.repeat(64),
    remoteIp: '127.0.0.1',
    connectedAtMs: 1_000,
  };
}

function snapshotWith(options: { telegramUp?: () => boolean; queueDown?: boolean } = {}) {
  const calls = { probes: 0 };
  const readiness = new ReadinessService([
    {
      name: 'database',
      check: async () => {
        calls.probes += 1;
        return { kind: 'pglite' };
      },
    },
    {
      name: 'channel:telegram',
      check: async () => {
        if (options.telegramUp && !options.telegramUp()) throw new Error('401 Unauthorized');
        return { bot: 'switchboard_bot' };
      },
    },
  ]);
  const sessions: Pick<SessionRepository, 'count'> = { count: async () => 7 };
  const counts = { waiting: 1, active: 0, delayed: 0, dead: 0 };
  const queue: Pick<QueueDriver, 'kind' | 'counts'> = {
    kind: 'in-process',
    counts: async () => {
      if (options.queueDown) throw new Error('connect ECONNREFUSED 127.0.0.1:6379');
      return counts;
    },
  };
  const snapshot = new GatewaySnapshotService(readiness, sessions, queue, configSchema.parse({}), { serverVersion: '1.2.3' });
  return { snapshot, calls };
}

describe('GatewaySnapshotService', () => {
  it('reports the readiness probes as health: channels by id, the other parts under checks', async () => {
    let up = true;
    const { snapshot } = snapshotWith({ telegramUp: () => up });
    expect(await snapshot.health()).toEqual({
      ok: true,
      ts: expect.any(Number),
      durationMs: expect.any(Number),
      channels: { telegram: { status: 'ok', bot: 'switchboard_bot' } },
      checks: { database: { status: 'ok', kind: 'pglite' } },
    });

    up = false;
    expect(await snapshot.health({ probe: true })).toMatchObject({ ok: false, channels: { telegram: { status: 'error', error: '401 Unauthorized' } } });
  });

  it('serves hello and health from a recent summary, and probes again when asked to', async () => {
    const { snapshot, calls } = snapshotWith();
    await snapshot.current();
    await snapshot.current();
    await snapshot.health();
    expect(calls.probes).toBe(1);
    await snapshot.health({ probe: true });
    expect(calls.probes).toBe(2);
  });

  it('moves the health version only when a part changes status', async () => {
    let up = true;
    const { snapshot } = snapshotWith({ telegramUp: () => up });
    const first = (await snapshot.current()).stateVersion.health;
    await snapshot.health({ probe: true });
    expect((await snapshot.current()).stateVersion.health).toBe(first);
    up = false;
    await snapshot.health({ probe: true });
    expect((await snapshot.current()).stateVersion.health).toBe(first + 1);
  });

  it('lists the gateway and each connection as presence, moving the version when the set changes', async () => {
    const { snapshot } = snapshotWith();
    const connections = [connection('c1')];
    snapshot.bindConnections(() => connections);

    const first = await snapshot.current();
    expect(first.presence).toEqual([
      { host: expect.any(String), mode: 'gateway', version: '1.2.3', platform: process.platform, ts: expect.any(Number) },
      {
        connId: 'c1',
        ip: '127.0.0.1',
        mode: 'backend',
        clientId: 'openclaw-node',
        version: '0.14.0',
        platform: 'linux',
        deviceId: 'a'.repeat(64),
        roles: ['operator'],
        scopes: ['operator.read'],
        ts: 1_000,
      },
    ]);
    expect((await snapshot.current()).stateVersion.presence).toBe(first.stateVersion.presence);
    connections.push(connection('c2'));
    expect((await snapshot.current()).stateVersion.presence).toBe(first.stateVersion.presence + 1);
  });

  it('tells the status with session and queue counts, and a queue that does not answer', async () => {
    expect(await snapshotWith().snapshot.status()).toMatchObject({
      version: '1.2.3',
      agentId: 'main',
      ok: true,
      sessions: { count: 7 },
      queue: { driver: 'in-process', jobs: { 'message.process': { waiting: 1 } } },
      connections: { count: 0 },
    });
    expect((await snapshotWith({ queueDown: true }).snapshot.status()).queue).toEqual({
      driver: 'in-process',
      error: 'connect ECONNREFUSED 127.0.0.1:6379',
    });
  });
});
