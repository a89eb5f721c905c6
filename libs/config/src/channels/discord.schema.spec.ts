import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../config.loader';

const TOKEN = 'MTAwMDAwMDAwMDAwMDAwMDAx.GfAkEt.fake-discord-bot-token-0123456789';

describe('discord config', () => {
  it('is off without a bot token, against the public API by default', () => {
    const config = loadConfig({ env: {} });
    expect(config.discord.botToken).toBeUndefined();
    expect(config.discord).toMatchObject({ apiRoot: 'https://discord.com/api', dmPolicy: 'pairing', allowedGroups: [] });
  });

  it('refuses something that is not a bot token, naming DISCORD_BOT_TOKEN', () => {
    expect(() => loadConfig({ env: { DISCORD_BOT_TOKEN: 'my-client-secret' } })).toThrow(/DISCORD_BOT_TOKEN/);
  });

  it('refuses an API root that is not an http(s) URL, naming DISCORD_API_ROOT', () => {
    expect(() => loadConfig({ env: { DISCORD_BOT_TOKEN: TOKEN, DISCORD_API_ROOT: 'discord.com/api' } })).toThrow(/DISCORD_API_ROOT/);
  });

  it('reads the access settings from the environment', () => {
    const config = loadConfig({ env: { DISCORD_BOT_TOKEN: TOKEN, DISCORD_ALLOWED_USERS: '200000000000000001, 200000000000000002', DISCORD_DM_POLICY: 'allowlist' } });
    expect(config.discord).toMatchObject({ botToken: TOKEN, allowedUsers: ['200000000000000001', '200000000000000002'], dmPolicy: 'allowlist' });
  });

  it('reads the nested discord: block of the YAML file', () => {
    const configFile = join(mkdtempSync(join(tmpdir(), 'discord-config-')), 'switchboard.yaml');
    const yaml = ['discord:', '  botToken: ${TOKEN}', '  allowedUsers: ["200000000000000001"]', '  allowedGroups: ["300000000000000001"]', '  dmPolicy: open'];
    writeFileSync(configFile, yaml.join('\n'));
    const config = loadConfig({ env: { TOKEN }, configFile });
    expect(config.discord).toMatchObject({ botToken: TOKEN, allowedUsers: ['200000000000000001'], allowedGroups: ['300000000000000001'], dmPolicy: 'open' });
  });

  it('refuses an unquoted id in YAML, which YAML would round to another id', () => {
    const configFile = join(mkdtempSync(join(tmpdir(), 'discord-config-')), 'switchboard.yaml');
    writeFileSync(configFile, ['discord:', '  allowedUsers: [200000000000000001]'].join('\n'));
    expect(() => loadConfig({ env: {}, configFile })).toThrow(/DISCORD_ALLOWED_USERS.*quote Discord ids/s);
  });

  it('reads the servers to register slash commands in, and refuses an id that is not one', () => {
    expect(loadConfig({ env: { DISCORD_BOT_TOKEN: TOKEN } }).discord.commandGuilds).toEqual([]);
    expect(loadConfig({ env: { DISCORD_BOT_TOKEN: TOKEN, DISCORD_COMMAND_GUILDS: '700000000000000001, 700000000000000002' } }).discord.commandGuilds).toEqual([
      '700000000000000001',
      '700000000000000002',
    ]);
    expect(() => loadConfig({ env: { DISCORD_BOT_TOKEN: TOKEN, DISCORD_COMMAND_GUILDS: 'my-server' } })).toThrow(/DISCORD_COMMAND_GUILDS.*guild/s);
  });
});
