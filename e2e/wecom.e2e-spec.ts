import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeLlmServer, FakeWecomServer } from '@switchboard/testing';
import { CLI, GatewayProcess, run, tempDir } from './support/gateway-process';

/**
 * What the channel contract does not cover for WeCom's callback mode, through the real gateway:
 * WeCom's GET check of the callback URL, readiness, doctor, and configuration checked at boot.
 * (DM → reply, duplicates, forged signatures and byte-split replies: e2e/channel-contract.e2e-spec.ts.)
 */
const wecom = new FakeWecomServer();
const llm = new FakeLlmServer();
const dataDir = tempDir('wecom');
let gateway: GatewayProcess;

function env(overrides: Record<string, string> = {}): Record<string, string> {
  const { corpId, agentId, secret, token, encodingAesKey } = wecom.app;
  return {
    SWITCHBOARD_DATA_DIR: dataDir,
    LLM_PROVIDER: 'openai-compatible',
    LLM_MODEL: 'fake-model',
    OPENAI_BASE_URL: llm.openaiBaseUrl,
    OPENAI_API_KEY: 'sk-test',
    WECOM_CORP_ID: corpId,
    WECOM_AGENT_ID: String(agentId),
    WECOM_SECRET: secret,
    WECOM_TOKEN: token,
    WECOM_ENCODING_AES_KEY: encodingAesKey,
    WECOM_API_ROOT: wecom.url,
    WECOM_ALLOWED_USERS: 'zhangsan',
    ...overrides,
  };
}

beforeAll(async () => {
  await Promise.all([wecom.start(), llm.start()]);
  gateway = GatewayProcess.spawn(env());
  // A first embedded start (creating the database) can be slow on a loaded machine.
  await gateway.waitForUrl(120_000);
  wecom.callbackUrl = `${gateway.url}/webhooks/wecom`;
});
afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await Promise.all([wecom.stop(), llm.stop()]);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('WeCom callback mode', () => {
  it('answers WeCom\'s URL check with the decrypted echostr, and refuses a forged one with 401, counted', async () => {
    const check = await wecom.verifyUrl();
    expect(check).toMatchObject({ status: 200, body: check.echo });

    const forged = await wecom.verifyUrl({ token: 'NotTheCallbackToken' });
    expect(forged.status).toBe(401);
    expect(forged.body).not.toContain(forged.echo);
    const metrics = await (await fetch(`${gateway.url}/metrics`)).text();
    expect(metrics).toMatch(/^switchboard_webhooks_rejected_total\{platform="wecom"\} 1$/m);
  });

  it('reports the channel ready in callback mode once it has an access token', async () => {
    const ready = (await (await fetch(`${gateway.url}/ready`)).json()) as Record<string, unknown>;
    expect(JSON.stringify(ready)).toMatch(/channel:wecom.*webhook.*mode.*callback/);
    expect(wecom.tokenCount).toBeGreaterThanOrEqual(1);
  });

  it('lets doctor name a wrong secret from gettoken', async () => {
    const result = await run([CLI, 'doctor'], env({ WECOM_SECRET: 'not-the-secret' }));
    expect(result.stdout + result.stderr).toMatch(/channel wecom +WeCom gettoken failed: 40001 invalid credential/);
  });

  it('refuses to boot with a callback key missing, naming it', async () => {
    const result = await run([CLI, 'doctor'], env({ WECOM_ENCODING_AES_KEY: '' }));
    expect(result.stdout + result.stderr).toContain('WECOM_ENCODING_AES_KEY (wecom.encodingAesKey): required when WECOM_MODE is callback');
  });
});
