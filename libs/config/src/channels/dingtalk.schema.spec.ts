import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.loader';

describe('dingtalk config', () => {
  it('is off without a client id, in stream mode against the public API by default', () => {
    const config = loadConfig({ env: {} });
    expect(config.dingtalk.clientId).toBeUndefined();
    expect(config.dingtalk).toMatchObject({ mode: 'stream', apiRoot: 'https://api.dingtalk.com', dmPolicy: 'pairing' });
  });

  it('names DINGTALK_CLIENT_SECRET when the client id comes without it', () => {
    expect(() => loadConfig({ env: { DINGTALK_CLIENT_ID: 'dingabc' } })).toThrow(/DINGTALK_CLIENT_SECRET/);
  });

  it('refuses a mode other than stream or webhook, naming DINGTALK_MODE', () => {
    expect(() => loadConfig({ env: { DINGTALK_CLIENT_ID: 'dingabc', DINGTALK_CLIENT_SECRET: 's', DINGTALK_MODE: 'poll' } })).toThrow(/DINGTALK_MODE/);
  });

  it('reads the nested dingtalk: block of the YAML file with the access settings', () => {
    const configFile = join(mkdtempSync(join(tmpdir(), 'dingtalk-config-')), 'switchboard.yaml');
    const yaml = ['dingtalk:', '  clientId: dingabc', '  clientSecret: ${SECRET}', '  mode: webhook', '  allowedUsers: [manager4220]', '  dmPolicy: allowlist'];
    writeFileSync(configFile, yaml.join('\n'));
    const config = loadConfig({ env: { SECRET: 's' }, configFile });
    expect(config.dingtalk).toMatchObject({ clientId: 'dingabc', mode: 'webhook', allowedUsers: ['manager4220'], dmPolicy: 'allowlist' });
  });
});
