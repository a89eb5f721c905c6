import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChaosHarness } from './support/chaos-harness';
import { postgresOutageUnderLoad } from './support/postgres-outage';

const harness = new ChaosHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());

describe('two replicas under load', () => {
  it('answer every message once between them', async () => {
    const replicas = [await harness.gateway(), await harness.gateway()];
    await harness.load('replicas', 60, 20, replicas);
    await harness.allAcked();
    await harness.waitUntilAllAnswered();
    await harness.waitForQuiescence();
    expect(harness.unanswered()).toEqual([]);
    expect(await harness.turnStatuses()).toEqual({ delivered: harness.acceptedCount() });
  });

  it('answer every message once between them through a 5 s PostgreSQL outage', async () => {
    await postgresOutageUnderLoad(harness, harness.gateways, 5);
  });
});
