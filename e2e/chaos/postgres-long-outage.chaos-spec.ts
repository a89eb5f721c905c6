import { afterAll, beforeAll, describe, it } from 'vitest';
import { ChaosHarness } from './support/chaos-harness';
import { postgresOutageUnderLoad } from './support/postgres-outage';

const harness = new ChaosHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());

describe('a long PostgreSQL outage under load', () => {
  it('loses no message and answers none twice when PostgreSQL is down for 120 s', async () => {
    const gateway = await harness.gateway();
    await postgresOutageUnderLoad(harness, [gateway], 120);
  });
});
