import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.error';
import { loadConfig } from '../config.loader';
import { redactConfig } from '../config.redact';
import { accountsOf } from '../schema-helpers';

const MAIN_TOKEN = '111:AAAAAAAAAAAAAAAAAAAAAAAAAAAA';
const SUPPORT_TOKEN = '222:BBBBBBBBBBBBBBBBBBBBBBBBBBBB';

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

const accounts = (value: unknown) => JSON.stringify(value);

describe('channel accounts config', () => {
  it('reads named Telegram bots from the YAML file beside the flat default one, with their own defaults', () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'accounts-config-')), 'switchboard.yaml');
    const yaml = [
      'telegram:',
      `  botToken: "${MAIN_TOKEN}"`,
      '  dmPolicy: open',
      '  accounts:',
      '    support:',
      '      botToken: ${SUPPORT_TOKEN}',
      '      mode: webhook',
      '      webhookSecret: support-secret-0123456789',
    ];
    fs.writeFileSync(file, yaml.join('\n'));
    const config = loadConfig({ env: { SUPPORT_TOKEN }, configFile: file });

    expect(accountsOf(config.telegram).map(({ accountId, settings }) => [accountId, settings.botToken, settings.mode])).toEqual([
      ['default', MAIN_TOKEN, 'polling'],
      ['support', SUPPORT_TOKEN, 'webhook'],
    ]);
    expect(config.telegram.accounts.support).toMatchObject({ apiRoot: 'https://api.telegram.org', maxDownloadBytes: 10_485_760 });
    expect(config.telegram.dmPolicy).toBe('open');
  });

  it('reads accounts from JSON text in <PLATFORM>_ACCOUNTS and masks them as a secret', () => {
    const config = loadConfig({ env: { DINGTALK_ACCOUNTS: accounts({ sales: { clientId: 'dingsales', clientSecret: 's3cret' } }) } });
    expect(config.dingtalk.clientId).toBeUndefined();
    expect(config.dingtalk.accounts.sales).toMatchObject({ clientId: 'dingsales', mode: 'stream' });
    expect((redactConfig(config).dingtalk as Record<string, unknown>).accounts).toBe('********');
  });

  it('gives an account the flat keys\' settings it leaves out, and never their credentials', () => {
    const config = loadConfig({
      env: {
        DINGTALK_CLIENT_ID: 'dingmain',
        DINGTALK_CLIENT_SECRET: 'main-secret',
        DINGTALK_MODE: 'webhook',
        DINGTALK_API_ROOT: 'https://dingtalk-proxy.example.com',
        DINGTALK_CARD_TEMPLATE_ID: 'main-card.schema',
        DINGTALK_ACCOUNTS: accounts({
          sales: { clientId: 'dingsales', clientSecret: 'sales-secret' },
          hr: { clientId: 'dinghr', clientSecret: 'hr-secret', mode: 'stream', maxDownloadBytes: 1024 },
        }),
        FEISHU_APP_ID: 'cli_a1b2c3d4e5f60789',
        FEISHU_APP_SECRET: 'main-secret',
        FEISHU_DOMAIN: 'lark',
        FEISHU_MODE: 'webhook',
        FEISHU_VERIFICATION_TOKEN: 'main-token',
        FEISHU_ACCOUNTS: accounts({ ops: { appId: 'cli_0123456789abcdef', appSecret: 'ops-secret', verificationToken: 'ops-token' } }),
      },
    });

    expect(config.dingtalk.accounts.sales).toEqual({
      clientId: 'dingsales',
      clientSecret: 'sales-secret',
      mode: 'webhook',
      apiRoot: 'https://dingtalk-proxy.example.com',
      oapiRoot: 'https://oapi.dingtalk.com',
      maxDownloadBytes: 10_485_760,
    });
    expect(config.dingtalk.accounts.hr).toMatchObject({ mode: 'stream', apiRoot: 'https://dingtalk-proxy.example.com', maxDownloadBytes: 1024 });
    expect(config.feishu.accounts.ops).toMatchObject({ domain: 'lark', mode: 'webhook', verificationToken: 'ops-token', streaming: 'edit' });
    expect(config.feishu.accounts.ops.encryptKey).toBeUndefined();
  });

  it('checks an account with the settings it inherits, naming the account', () => {
    expect(problemsOf({ TELEGRAM_BOT_TOKEN: MAIN_TOKEN, TELEGRAM_MODE: 'webhook', TELEGRAM_WEBHOOK_SECRET: 'main-secret-0123456789', TELEGRAM_ACCOUNTS: accounts({ support: { botToken: SUPPORT_TOKEN } }) })).toEqual([
      'TELEGRAM_ACCOUNTS (telegram.accounts): "support": webhookSecret: required when mode is webhook',
    ]);
    expect(problemsOf({ WECOM_MODE: 'aibot', WECOM_BOT_ID: 'bot-1', WECOM_BOT_SECRET: 's', WECOM_ACCOUNTS: accounts({ ops: { corpId: 'wwops', agentId: 2, secret: 's', token: 't', encodingAesKey: 'a'.repeat(43) } }) })).toEqual([
      'WECOM_ACCOUNTS (wecom.accounts): "ops": botId: required when mode is aibot; botSecret: required when mode is aibot',
    ]);
  });

  it('names the account and each key it lacks for its mode', () => {
    expect(problemsOf({ TELEGRAM_ACCOUNTS: accounts({ support: { mode: 'webhook' } }) })).toEqual([
      'TELEGRAM_ACCOUNTS (telegram.accounts): "support": botToken: required; webhookSecret: required when mode is webhook',
    ]);
    expect(problemsOf({ FEISHU_ACCOUNTS: accounts({ hr: { appId: 'cli_a1b2c3d4e5f60789' } }) })).toEqual([
      'FEISHU_ACCOUNTS (feishu.accounts): "hr": appSecret: required when appId is set',
    ]);
    expect(problemsOf({ WECOM_ACCOUNTS: accounts({ ops: { mode: 'aibot', botId: 'bot-2' } }) })).toEqual([
      'WECOM_ACCOUNTS (wecom.accounts): "ops": botSecret: required when mode is aibot',
    ]);
  });

  it('refuses account ids that are not 1-32 of a-z 0-9 _ -, "default", and unknown keys', () => {
    const support = { botToken: SUPPORT_TOKEN };
    expect(problemsOf({ TELEGRAM_ACCOUNTS: accounts({ Support: support }) })).toEqual(['TELEGRAM_ACCOUNTS (telegram.accounts): "Support": expected account ids of 1-32 of a-z 0-9 _ -']);
    expect(problemsOf({ TELEGRAM_ACCOUNTS: accounts({ default: support }) })).toEqual([
      'TELEGRAM_ACCOUNTS (telegram.accounts): "default": "default" is the account of the flat TELEGRAM_* keys',
    ]);
    expect(problemsOf({ TELEGRAM_ACCOUNTS: accounts({ support: { ...support, dmPolicy: 'open' } }) })).toEqual([
      'TELEGRAM_ACCOUNTS (telegram.accounts): "support": Unrecognized key: "dmPolicy"',
    ]);
    expect(problemsOf({ TELEGRAM_ACCOUNTS: '{support' })[0]).toMatch(/^TELEGRAM_ACCOUNTS \(telegram\.accounts\): expected a map/);
  });

  it('refuses two accounts of one bot or app', () => {
    expect(problemsOf({ TELEGRAM_BOT_TOKEN: MAIN_TOKEN, TELEGRAM_ACCOUNTS: accounts({ support: { botToken: MAIN_TOKEN } }) })).toEqual([
      'TELEGRAM_ACCOUNTS (telegram.accounts): accounts "default" and "support" have the same bot (token)',
    ]);
    const app = { clientId: 'dingsame', clientSecret: 's' };
    expect(problemsOf({ DINGTALK_ACCOUNTS: accounts({ one: app, two: app }) })).toEqual(['DINGTALK_ACCOUNTS (dingtalk.accounts): accounts "one" and "two" have the same client id']);
  });

  it('keeps the flat keys as they were: a default account named by its variables', () => {
    expect(problemsOf({ TELEGRAM_BOT_TOKEN: MAIN_TOKEN, TELEGRAM_MODE: 'webhook' })).toEqual(['TELEGRAM_WEBHOOK_SECRET (telegram.webhookSecret): required when TELEGRAM_MODE is webhook']);
    expect(problemsOf({ DINGTALK_CLIENT_SECRET: 's' })).toEqual(['DINGTALK_CLIENT_ID (dingtalk.clientId): required when DINGTALK_CLIENT_SECRET is set']);
    expect(loadConfig({ env: {} }).telegram.accounts).toEqual({});
  });
});
