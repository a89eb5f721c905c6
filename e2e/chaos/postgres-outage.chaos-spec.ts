import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GatewayProcess } from '../support/gateway-process';
import { ChaosHarness } from './support/chaos-harness';
import { freePort } from './support/own-services';
import { postgresOutageUnderLoad } from './support/postgres-outage';

const harness = new ChaosHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());

describe('PostgreSQL outages under load', () => {
  it('loses no message and answers none twice when PostgreSQL is down for 5 s', async () => {
    const gateway = await harness.gateway();
    await postgresOutageUnderLoad(harness, [gateway], 5);
  });

  it('loses no message and answers none twice when PostgreSQL is down for 30 s', async () => {
    await postgresOutageUnderLoad(harness, harness.gateways, 30);
  });
});

describe('a gateway started while PostgreSQL is down', () => {
  it('exits non-zero, naming the database, instead of hanging', async () => {
    const nothingThere = `postgresql://postgres@127.0.0.1:${await freePort()}/switchboard`;
    const gateway = GatewayProcess.spawn(harness.env({ DATABASE_URL: nothingThere }));
    const timeout = new Promise<'hung'>((resolve) => setTimeout(resolve, 60_000, 'hung').unref());
    const result = await Promise.race([gateway.exit(), timeout]);
    if (result === 'hung') await gateway.stop('SIGKILL');
    expect(result).toMatchObject({ code: 1 });
    expect(gateway.stderr).toContain('the gateway could not start');
    expect(gateway.stderr).toMatch(/ECONNREFUSED|reach database/);
  });
});
