import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.error';
import { loadConfig } from '../config.loader';
import { redactConfig } from '../config.redact';

const AES_KEY = 'a'.repeat(43);

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('wecom config', () => {
  it('leaves WeCom off, with the public defaults, when neither a corp id nor a bot id is set', () => {
    const { wecom } = loadConfig({ env: {} });
    expect(wecom.corpId ?? wecom.botId).toBeUndefined();
    expect(wecom).toMatchObject({ mode: 'callback', apiRoot: 'https://qyapi.weixin.qq.com', aibotWsUrl: 'wss://openws.work.weixin.qq.com', dmPolicy: 'pairing' });
  });

  it('names every callback key that is missing', () => {
    expect(problemsOf({ WECOM_CORP_ID: 'ww0123456789abcdef', WECOM_TOKEN: 'tok' })).toEqual([
      'WECOM_AGENT_ID (wecom.agentId): required when WECOM_MODE is callback',
      'WECOM_SECRET (wecom.secret): required when WECOM_MODE is callback',
      'WECOM_ENCODING_AES_KEY (wecom.encodingAesKey): required when WECOM_MODE is callback',
    ]);
  });

  it('asks an AI bot for its secret only', () => {
    expect(problemsOf({ WECOM_MODE: 'aibot', WECOM_BOT_ID: 'bot-1' })).toEqual(['WECOM_BOT_SECRET (wecom.botSecret): required when WECOM_MODE is aibot']);
    expect(loadConfig({ env: { WECOM_MODE: 'aibot', WECOM_BOT_ID: 'bot-1', WECOM_BOT_SECRET: 's' } }).wecom.botSecret).toBe('s');
  });

  it('refuses an EncodingAESKey that is not 43 characters', () => {
    expect(problemsOf({ WECOM_ENCODING_AES_KEY: 'short' })).toEqual(['WECOM_ENCODING_AES_KEY (wecom.encodingAesKey): expected 43 letters and digits']);
  });

  it('reads the nested wecom block of the YAML file, access settings included, and masks its secrets', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-wecom-'));
    const file = path.join(dir, 'switchboard.yaml');
    fs.writeFileSync(
      file,
      [
        'wecom:',
        '  corpId: ww0123456789abcdef',
        '  agentId: 1000002',
        '  secret: ${WECOM_APP_SECRET}',
        '  token: callbacktoken',
        `  encodingAesKey: ${AES_KEY}`,
        '  allowedUsers: [zhangsan, lisi]',
        '  dmPolicy: allowlist',
        '  allowedGroups: [wrkSFfCgAAxxxx]',
      ].join('\n'),
    );
    const config = loadConfig({ configFile: file, env: { WECOM_APP_SECRET: 'app-secret' } });
    expect(config.wecom).toMatchObject({ corpId: 'ww0123456789abcdef', agentId: 1000002, secret: 'app-secret', allowedUsers: ['zhangsan', 'lisi'], dmPolicy: 'allowlist' });
    const shown = JSON.stringify(redactConfig(config));
    for (const secret of ['app-secret', 'callbacktoken', AES_KEY]) expect(shown).not.toContain(secret);
  });
});
