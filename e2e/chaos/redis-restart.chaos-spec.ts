import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosHarness, until } from './support/chaos-harness';

const harness = new ChaosHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());

describe('Redis restarted empty under load', () => {
  it('answers every accepted message once: jobs Redis lost are queued again from the database', async () => {
    const gateway = await harness.gateway();
    const sends = () => harness.telegram.calls({ path: /\/sendMessage$/ }).length;
    const load = harness.load('redis-restart', 40, 40, [gateway]);
    await until(() => sends() >= 5, 'replies streaming');

    // Every job, session lock and queued message in Redis is gone.
    await harness.redis.stop();
    await harness.redis.start();

    await load;
    await harness.allAcked();
    await harness.waitUntilAllAnswered();
    await harness.waitForQuiescence();
    expect(harness.unanswered()).toEqual([]);
    expect(await harness.turnStatuses()).toEqual({ delivered: harness.acceptedCount() });
  });
});
