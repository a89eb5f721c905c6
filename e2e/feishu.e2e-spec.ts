import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAKE_FEISHU_APP_ID, FAKE_FEISHU_APP_SECRET, FakeFeishuServer, feishuUrlVerification, feishuWebhookDelivery } from '@switchboard/testing';
import { CLI, GatewayProcess, run, tempDir } from './support/gateway-process';

// What only Feishu shows; the channel contract (channel-contract.e2e-spec.ts) covers replies,
// mentions, duplicates, forged signatures and reconnects in both modes.
const TOKEN = 'e2e-verification-token';
const ENCRYPT_KEY = 'e2e-encrypt-key';
const feishu = new FakeFeishuServer();
const gateways: GatewayProcess[] = [];

beforeAll(() => feishu.start());
afterAll(async () => {
  for (const gateway of gateways) await gateway.stop('SIGKILL');
  await feishu.stop();
});

function env(extra: Record<string, string> = {}): Record<string, string> {
  return {
    SWITCHBOARD_DATA_DIR: tempDir('feishu'),
    FEISHU_APP_ID: FAKE_FEISHU_APP_ID,
    FEISHU_APP_SECRET: FAKE_FEISHU_APP_SECRET,
    FEISHU_DOMAIN: feishu.url,
    FEISHU_VERIFICATION_TOKEN: TOKEN,
    ...extra,
  };
}

async function gateway(extra: Record<string, string>): Promise<GatewayProcess> {
  const started = await GatewayProcess.start(env(extra));
  gateways.push(started);
  return started;
}

describe('Feishu through the gateway', () => {
  it('answers the URL check of the developer console (encrypted) and counts refused deliveries in /metrics', async () => {
    const { url } = await gateway({ FEISHU_MODE: 'webhook', FEISHU_ENCRYPT_KEY: ENCRYPT_KEY });
    const check = feishuWebhookDelivery(feishuUrlVerification(TOKEN, 'e2e-challenge'), { encryptKey: ENCRYPT_KEY });
    const answer = await fetch(`${url}/webhooks/feishu`, { method: 'POST', headers: check.headers, body: check.body });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ challenge: 'e2e-challenge' });

    const forged = feishuWebhookDelivery(feishuUrlVerification('not-the-token'), { encryptKey: ENCRYPT_KEY });
    const refused = await fetch(`${url}/webhooks/feishu`, { method: 'POST', headers: forged.headers, body: forged.body });
    expect(refused.status).toBe(401);
    const metrics = await (await fetch(`${url}/metrics`)).text();
    expect(metrics).toMatch(/^switchboard_webhooks_rejected_total\{platform="feishu"\} 1$/m);
  });

  it('shows the long connection in /ready, and not ready while it is down', async () => {
    const { url } = await gateway({ FEISHU_MODE: 'websocket' });
    const feishuCheck = async () => {
      const response = await fetch(`${url}/ready`);
      return { status: response.status, body: JSON.stringify(await response.json()) };
    };
    await expect.poll(feishuCheck, { timeout: 20_000 }).toMatchObject({ status: 200, body: expect.stringContaining('websocket (lease held)') });
    expect((await feishuCheck()).body).toContain('"connection":"connected"');

    feishu.refuseConnections(true);
    feishu.dropConnections();
    // The gateway reopens it (with backoff) while Feishu refuses: the channel is starting again.
    await expect.poll(feishuCheck, { timeout: 20_000 }).toMatchObject({
      status: 503,
      body: expect.stringContaining('"channel:feishu":{"message":"starting","status":"down"}'),
    });
    feishu.refuseConnections(false);
    // A start under way when Feishu lets connections in again gives up after 10 s, then the backoff.
    await expect.poll(feishuCheck, { timeout: 45_000 }).toMatchObject({ status: 200, body: expect.stringContaining('"connection":"connected"') });
  });

  it('switchboard doctor probes the credentials (tenant_access_token) and names a wrong App Secret', async () => {
    const good = await run([CLI, 'doctor'], env({ FEISHU_MODE: 'websocket' }));
    expect(good.stdout).toMatch(/channel feishu.*Switchboard/);
    const bad = await run([CLI, 'doctor'], env({ FEISHU_MODE: 'websocket', FEISHU_APP_SECRET: 'wrong-secret' }));
    expect(bad.stdout + bad.stderr).toMatch(/✗ channel feishu +Feishu bot\/v3\/info failed: 10014 app secret invalid \(tenant_access_token refused\)/);
  });
});
