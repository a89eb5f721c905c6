import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.loader';
import { redactConfig } from '../config.redact';

const BOT_TOKEN = 'xoxb-1234567890-0987654321-abcdefghijklmnop';
const APP_TOKEN = 'xapp-1-A0123456789-1234567890-abcdef';
const SIGNING_SECRET = 'a1b2c3d4e5f60718293a4b5c6d7e8f90';

describe('slack config', () => {
  it('is off without a bot token, in socket mode against the public Web API by default', () => {
    const { slack } = loadConfig({ env: {} });
    expect(slack.botToken).toBeUndefined();
    expect(slack).toMatchObject({ mode: 'socket', apiUrl: 'https://slack.com/api/', dmPolicy: 'pairing', allowedGroups: [] });
  });

  it('names SLACK_APP_TOKEN when socket mode lacks it, and SLACK_SIGNING_SECRET when http mode does', () => {
    expect(() => loadConfig({ env: { SLACK_BOT_TOKEN: BOT_TOKEN } })).toThrow(/SLACK_APP_TOKEN/);
    expect(() => loadConfig({ env: { SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_MODE: 'http' } })).toThrow(/SLACK_SIGNING_SECRET/);
  });

  it('refuses a user token where the bot token goes, naming SLACK_BOT_TOKEN', () => {
    expect(() => loadConfig({ env: { SLACK_BOT_TOKEN: 'xoxp-1234567890-0987654321', SLACK_APP_TOKEN: APP_TOKEN } })).toThrow(/SLACK_BOT_TOKEN/);
  });

  it('reads the nested slack: block of the YAML file with the access settings, and masks its secrets', () => {
    const configFile = join(mkdtempSync(join(tmpdir(), 'slack-config-')), 'switchboard.yaml');
    const yaml = ['slack:', '  botToken: ${BOT}', '  signingSecret: ${SECRET}', '  mode: http', '  allowedUsers: [U0123ABCD]', '  dmPolicy: allowlist', '  allowedGroups: [C0123ABCD]'];
    writeFileSync(configFile, yaml.join('\n'));
    const config = loadConfig({ env: { BOT: BOT_TOKEN, SECRET: SIGNING_SECRET }, configFile });
    expect(config.slack).toMatchObject({ mode: 'http', allowedUsers: ['U0123ABCD'], dmPolicy: 'allowlist', allowedGroups: ['C0123ABCD'] });
    expect(JSON.stringify(redactConfig(config))).not.toContain(SIGNING_SECRET);
  });
});
