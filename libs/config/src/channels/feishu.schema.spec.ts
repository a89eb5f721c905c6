import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.error';
import { loadConfig } from '../config.loader';

const APP_ID = 'cli_a1b2c3d4e5f60789';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('feishu config', () => {
  it('names the missing App Secret, and the Verification Token a webhook needs', () => {
    expect(problemsOf({ FEISHU_APP_ID: APP_ID })).toEqual(['FEISHU_APP_SECRET (feishu.appSecret): required when FEISHU_APP_ID is set']);
    expect(problemsOf({ FEISHU_APP_ID: APP_ID, FEISHU_APP_SECRET: 's', FEISHU_MODE: 'webhook' })).toEqual([
      'FEISHU_VERIFICATION_TOKEN (feishu.verificationToken): required when FEISHU_MODE is webhook',
    ]);
    expect(problemsOf({ FEISHU_APP_ID: APP_ID, FEISHU_APP_SECRET: 's' })).toEqual([]);
  });

  it('refuses an App ID of another shape and a domain that is neither feishu, lark nor a URL', () => {
    expect(problemsOf({ FEISHU_APP_ID: 'a1b2c3', FEISHU_APP_SECRET: 's' })[0]).toMatch(/^FEISHU_APP_ID \(feishu.appId\): expected an App ID like cli_/);
    expect(problemsOf({ FEISHU_DOMAIN: 'larksuite' })).toEqual([
      'FEISHU_DOMAIN (feishu.domain): expected feishu, lark or a base URL such as https://open.feishu.cn',
    ]);
  });

  it('reads the nested YAML block with the access settings named like Telegram’s', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-feishu-'));
    const file = path.join(dir, 'switchboard.yaml');
    fs.writeFileSync(
      file,
      [
        'feishu:',
        `  appId: ${APP_ID}`,
        '  appSecret: ${LARK_SECRET}',
        '  domain: lark',
        '  mode: webhook',
        '  verificationToken: vt',
        '  allowedUsers: [ou_alice0000000001]',
        '  dmPolicy: allowlist',
      ].join('\n'),
    );
    const config = loadConfig({ env: { SWITCHBOARD_CONFIG: file, LARK_SECRET: 'from-env' } });
    expect(config.feishu).toMatchObject({
      appId: APP_ID,
      appSecret: 'from-env',
      domain: 'lark',
      mode: 'webhook',
      allowedUsers: ['ou_alice0000000001'],
      dmPolicy: 'allowlist',
    });
  });
});
