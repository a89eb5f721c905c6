import { afterAll, beforeAll, describe, it } from 'vitest';
import { ChaosHarness } from './support/chaos-harness';
import { postgresOutageUnderLoad } from './support/postgres-outage';

const harness = new ChaosHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());

describe('a long PostgreSQL outage under load', () => {
  // Its own waits (120 s down, then up to 180 s for acks and 120 s for answers) name what is missing;
  // the test's bound lets them. No retry: a timed-out attempt would still run beside the next.
  it('loses no message and answers none twice when PostgreSQL is down for 120 s', { timeout: 600_000, retry: 0 }, async () => {
    const gateway = await harness.gateway();
    await postgresOutageUnderLoad(harness, [gateway], 120);
  });
});
