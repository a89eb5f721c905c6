import type { FakeDingTalkUser } from '@switchboard/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { DingTalkHarness } from './support/dingtalk-harness';
import { CLI, GatewayProcess, run, tempDir } from './support/gateway-process';
import { sleep } from './support/telegram-harness';

/**
 * What the channel contract (e2e/channel-contract.e2e-spec.ts) does not cover for DingTalk: boot
 * validation, /ready and `switchboard doctor`, the refused-callback metric and log, replies after
 * the session webhook and the access token expired.
 */
const LI: FakeDingTalkUser = { staffId: 'manager4220', nick: 'Li Wei' };
const harness = new DingTalkHarness();
beforeAll(() => harness.start());
afterAll(() => harness.stop());
beforeEach(() => {
  harness.dingtalk.clear();
  harness.llm.reset();
});

async function until(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const started = Date.now();
  while (!(await condition())) {
    if (Date.now() - started > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

async function dingtalkReadiness(gateway: GatewayProcess): Promise<{ status?: string; state?: string; message?: string }> {
  const body = (await (await fetch(`${gateway.url}/ready`)).json()) as { details?: Record<string, { status?: string; state?: string; message?: string }> };
  return body.details?.['channel:dingtalk'] ?? {};
}

describe('DingTalk', () => {
  it('refuses to start without the client secret, naming DINGTALK_CLIENT_SECRET', async () => {
    const result = await run([CLI, 'gateway'], { SWITCHBOARD_DATA_DIR: tempDir('dingtalk'), DINGTALK_CLIENT_ID: harness.dingtalk.clientId, PORT: '0' });
    expect(result.code).not.toBe(0);
    expect(result.stderr + result.stdout).toContain('DINGTALK_CLIENT_SECRET');
  });

  it('shows the Stream connection in /ready, answers through the OpenAPI once the session webhook and the token expired', async () => {
    const env = harness.env({ DINGTALK_ALLOWED_USERS: LI.staffId });
    const gateway = await harness.gateway(env);
    await until(async () => (await dingtalkReadiness(gateway)).state === 'stream (lease held)', 'the Stream connection');
    expect(await dingtalkReadiness(gateway)).toMatchObject({ status: 'up', clientId: harness.dingtalk.clientId, stream: 'connected' });

    const first = harness.dingtalk.push({ from: LI, text: 'first' });
    await harness.dingtalk.waitForAck(first);
    await until(() => harness.dingtalk.messagesIn(LI.staffId).length === 1, 'the first reply');

    harness.dingtalk.expireSessionWebhooks();
    harness.dingtalk.expireTokens();
    harness.dingtalk.push({ from: LI, text: 'second', sessionWebhookExpiresAt: Date.now() + 10_000 });
    await until(() => harness.dingtalk.messagesIn(LI.staffId).length === 2, 'the second reply');
    expect(harness.dingtalk.messagesIn(LI.staffId)).toMatchObject([
      { text: 'echo: first', via: 'sessionWebhook' },
      { text: 'echo: second', via: 'openapi' },
    ]);

    // DingTalk drops the connection: /ready says so until the supervisor connected again.
    const opened = harness.dingtalk.connectionsOpened;
    harness.dingtalk.dropConnections();
    await until(() => harness.dingtalk.connectionsOpened === opened + 1, 'a new connection');
    await until(async () => (await dingtalkReadiness(gateway)).state === 'stream (lease held)', 'the channel to be ready again');

    const doctor = await run([CLI, 'doctor'], env);
    expect(doctor.stdout).toMatch(new RegExp(`✓ channel dingtalk\\s+clientId=${harness.dingtalk.clientId} mode=stream`));
    const wrong = await run([CLI, 'doctor'], { ...env, DINGTALK_CLIENT_SECRET: 'not-the-secret' });
    expect(wrong.stdout).toMatch(/✗ channel dingtalk\s+.*invalidClientIdOrSecret/);
    expect(wrong.stdout).not.toContain('not-the-secret');
  });

  it('refuses a forged HTTP callback with 401, a log line without the secret, and a metric', async () => {
    const gateway = await harness.gateway(harness.env({ DINGTALK_MODE: 'webhook', DINGTALK_ALLOWED_USERS: LI.staffId }));
    const post = async (callback: { body: string; headers: Record<string, string> }) =>
      (await fetch(`${gateway.url}/webhooks/dingtalk`, { method: 'POST', headers: callback.headers, body: callback.body })).status;

    expect(await post(harness.dingtalk.callback({ from: LI, text: 'forged' }, { secret: 'guessed-secret' }))).toBe(401);
    expect(await post(harness.dingtalk.callback({ from: LI, text: 'replayed' }, { timestamp: Date.now() - 2 * 3_600_000 }))).toBe(401);
    expect(await post(harness.dingtalk.callback({ from: LI, text: 'genuine' }))).toBe(200);
    await until(() => harness.dingtalk.messagesIn(LI.staffId).length === 1, 'the reply to the genuine callback');

    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^switchboard_webhooks_rejected_total\{platform="dingtalk"\} 2$/m);
    expect(metrics).toMatch(/^switchboard_messages_in_total\{platform="dingtalk",outcome="accepted"\} 1$/m);
    const logs = gateway.stdout + gateway.stderr;
    expect(logs).toContain('DingTalk callback refused (signature mismatch)');
    expect(logs).toContain('DingTalk callback refused (timestamp');
    expect(logs).not.toContain(harness.dingtalk.clientSecret);
    expect(harness.dingtalk.messagesIn(LI.staffId).map((m) => m.text)).toEqual(['echo: genuine']);
  });
});
