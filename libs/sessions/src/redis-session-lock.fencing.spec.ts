import { randomUUID } from 'node:crypto';
import Redis from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MessageRepository, TurnRepository, TurnWriteRefused } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase, uniquePlatform } from '@switchboard/persistence/security/testing-databases';
import { redisOptionsFromUrl } from '@switchboard/queue/bullmq/redis-options';
import { inboundDm } from '@switchboard/testing';
import { RedisSessionLock } from './redis-session-lock';
import type { SessionLease } from './session-lock';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';

/**
 * Two gateway processes (two locks on one Redis) and one PostgreSQL. The first holder stalls
 * until its lock's TTL ends; the second takes the session over; the first wakes and writes.
 */
describe('RedisSessionLock fencing', () => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let turns: TurnRepository;
  const clients: Redis[] = [];
  const redis = () => {
    const client = new Redis(redisOptionsFromUrl(REDIS_URL));
    clients.push(client);
    return client;
  };

  beforeAll(async () => {
    database = await openTestDatabase('postgres');
    messages = new MessageRepository(database.db);
    turns = new TurnRepository(database.db);
  });
  afterAll(async () => {
    await Promise.all(clients.map((client) => client.quit()));
    await database.close();
  });

  it('hands its lease token to the run and keeps it as the lock value', async () => {
    const inspector = redis();
    const key = `test:lease:${randomUUID()}`;
    const lock = new RedisSessionLock(redis());
    const held = await lock.run(key, async (lease) => ({ lease, value: await inspector.get(`switchboard:session-lock:${key}`) }));
    expect(held.value).toBe(held.lease.token);
  });

  it('refuses the writes of a holder that lost its lock once the new holder started the turn', async () => {
    const platform = uniquePlatform();
    const identity = { key: `agent:main:${platform}:dm:chat-1`, agentId: 'main', platform, accountId: 'default', chatType: 'dm' as const, chatId: 'chat-1' };
    const inbound = (await messages.acceptInbound(identity, inboundDm(platform, '1'), new Date())).message!;
    const [stale, next] = [new RedisSessionLock(redis(), { ttlMs: 300 }), new RedisSessionLock(redis(), { ttlMs: 300 })];
    const inspector = redis();
    const lockKey = `switchboard:session-lock:${identity.key}`;

    let wake!: () => void;
    let staleStarted!: (lease: SessionLease) => void;
    const started = new Promise<SessionLease>((resolve) => (staleStarted = resolve));
    const staleRun = stale.run(identity.key, async (lease) => {
      const turn = await turns.begin(inbound.id, lease.token);
      staleStarted(lease);
      // The process stalls (a long GC pause, a frozen VM) past its lock's TTL...
      await new Promise<void>((resolve) => (wake = resolve));
      // ...and goes on where it was once it wakes.
      return turns.saveGenerated(turn.id, inbound.sessionId, { text: 'stale', parts: ['stale'], model: null }, lease.token);
    });
    const staleLease = await started;
    // Its lock expires while it stalls (Redis drops a key whose TTL ran out).
    await inspector.del(lockKey);

    const nextRun = next.run(identity.key, async (lease) => {
      expect(lease.token).not.toBe(staleLease.token);
      const turn = await turns.begin(inbound.id, lease.token);
      wake(); // the stale holder writes after the new one took over
      await expect(staleRun).rejects.toBeInstanceOf(TurnWriteRefused);
      await expect(staleRun).rejects.toMatchObject({ reason: 'superseded' });
      return turns.saveGenerated(turn.id, inbound.sessionId, { text: 'current', parts: ['current'], model: null }, lease.token);
    });

    const saved = await nextRun;
    expect(saved.parts.map((part) => part.text)).toEqual(['current']);
    const history = await messages.history(inbound.sessionId, { upTo: new Date(Date.now() + 60_000), limit: 10 });
    expect(history.map((entry) => entry.text)).toEqual(['hello', 'current']);
  });
});
