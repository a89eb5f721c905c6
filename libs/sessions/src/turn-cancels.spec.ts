import Redis from 'ioredis';
import { afterAll, describe, expect, it } from 'vitest';
import { redisOptionsFromUrl } from '@switchboard/queue/bullmq/redis-options';
import { InProcessTurnCancels, RedisTurnCancels, type TurnCancelRequest } from './turn-cancels';

// A database number of its own: the channel carries it, so other tests' gateways never hear these.
const REDIS_URL = 'redis://127.0.0.1:6379/13';

describe('TurnCancels', () => {
  it('in one process, reaches the runs of that session only, until they stop watching', async () => {
    const cancels = new InProcessTurnCancels();
    const heard: string[] = [];
    const stop = cancels.watch('session-a', (request) => heard.push(`a:${request.reason}`));
    cancels.watch('session-b', (request) => heard.push(`b:${request.reason}`));

    await cancels.cancel('session-a', { reason: 'stop', messageId: 'm1' });
    stop();
    await cancels.cancel('session-a', { reason: 'interrupt', messageId: 'm2' });

    expect(heard).toEqual(['a:stop']);
  });

  describe('over Redis', () => {
    const made: RedisTurnCancels[] = [];
    async function replica(url = REDIS_URL): Promise<RedisTurnCancels> {
      const options = redisOptionsFromUrl(url);
      const cancels = new RedisTurnCancels(new Redis({ ...options, enableOfflineQueue: false }), new Redis(options), options.db ?? 0);
      await cancels.ready();
      made.push(cancels);
      return cancels;
    }
    afterAll(() => Promise.all(made.map((cancels) => cancels.onApplicationShutdown())));

    it('reaches a run on another replica, and a run here once only', async () => {
      const [here, there] = [await replica(), await replica()];
      const heardHere: TurnCancelRequest[] = [];
      const heardThere: TurnCancelRequest[] = [];
      here.watch('session-x', (request) => heardHere.push(request));
      there.watch('session-x', (request) => heardThere.push(request));

      await here.cancel('session-x', { reason: 'interrupt', messageId: 'm-new' });

      await expect.poll(() => heardThere).toEqual([{ reason: 'interrupt', messageId: 'm-new' }]);
      expect(heardHere).toEqual([{ reason: 'interrupt', messageId: 'm-new' }]);
    });

    it('keeps gateways on other Redis databases apart', async () => {
      const [ours, theirs] = [await replica(), await replica('redis://127.0.0.1:6379/14')];
      const heard: string[] = [];
      theirs.watch('session-y', () => heard.push('theirs'));
      const seen = new Promise<void>((resolve) => ours.watch('session-y', () => resolve()));
      const ourSecond = await replica();
      await ourSecond.cancel('session-y', { reason: 'stop', messageId: 'm' });
      await seen;
      expect(heard).toEqual([]);
    });

    it('starts without Redis, and a stop asked meanwhile fails at once instead of waiting for it', async () => {
      const away = new RedisTurnCancels(
        new Redis({ port: 1, enableOfflineQueue: false, retryStrategy: () => 1_000 }),
        new Redis({ port: 1, retryStrategy: () => 1_000 }),
        0,
      );
      const heard: string[] = [];
      away.watch('session-z', (request) => heard.push(request.reason));
      await expect(away.cancel('session-z', { reason: 'stop', messageId: 'm' })).rejects.toThrow();
      // This process's own runs are reached anyway.
      expect(heard).toEqual(['stop']);
      await away.onApplicationShutdown();
    });
  });
});
