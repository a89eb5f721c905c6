import { describe, expect, it } from 'vitest';
import { ConfigError, configSchema } from '@switchboard/config';
import { AccessLists } from '../access/access-lists';
import { RuntimeSettings } from '../settings/runtime-settings';
import { CommandPermissions, parseCommandPermissions } from './command-permissions';

function permissions(commandPermissions?: string): CommandPermissions {
  const config = configSchema.parse({
    security: { commandPermissions, adminUsers: ['root'] },
    telegram: { adminUsers: ['tg-admin'] },
  });
  const settings = new RuntimeSettings(config);
  return new CommandPermissions(settings, new AccessLists(settings));
}

function parseError(value: string): string {
  try {
    parseCommandPermissions(value);
  } catch (error) {
    expect(error).toBeInstanceOf(ConfigError);
    return (error as ConfigError).message;
  }
  throw new Error(`"${value}" was accepted`);
}

describe('CommandPermissions', () => {
  const rules = permissions('model:admins; reset:everyone; debug:123,456; /Export:admins,789;');

  it('lets only admins run an admins command', () => {
    expect(rules.canRun('telegram', 'root', '/model')).toBe(true);
    expect(rules.canRun('telegram', 'tg-admin', '/model')).toBe(true);
    expect(rules.canRun('telegram', 'someone', '/model')).toBe(false);
  });

  it("keeps an unlisted command to admins when that is the command's own default, and the setting can open it", () => {
    expect(rules.canRun('telegram', 'someone', '/purge', 'admins')).toBe(false);
    expect(rules.canRun('telegram', 'root', '/purge', 'admins')).toBe(true);
    expect(rules.canRun('telegram', 'someone', '/reset', 'admins')).toBe(true);
    expect(rules.canRun('telegram', 'someone', '/help', 'admins')).toBe(true);
  });

  it('takes platform admins from that platform only', () => {
    expect(rules.isAdmin('telegram', 'tg-admin')).toBe(true);
    expect(rules.isAdmin('slack', 'tg-admin')).toBe(false);
    expect(rules.isAdmin('slack', 'root')).toBe(true);
    expect(rules.canRun('slack', 'tg-admin', '/model')).toBe(false);
  });

  it('lets listed ids run a command, and no one else, admins included', () => {
    expect(rules.canRun('telegram', '456', '/debug')).toBe(true);
    expect(rules.canRun('telegram', '789', '/debug')).toBe(false);
    expect(rules.canRun('telegram', 'root', '/debug')).toBe(false);
  });

  it('combines admins with listed ids', () => {
    expect(rules.canRun('telegram', '789', '/export')).toBe(true);
    expect(rules.canRun('telegram', 'root', '/export')).toBe(true);
    expect(rules.canRun('telegram', '123', '/export')).toBe(false);
  });

  it('lets everyone run "everyone" and unlisted commands', () => {
    expect(rules.canRun('telegram', 'someone', '/reset')).toBe(true);
    expect(rules.canRun('telegram', 'someone', '/new')).toBe(true);
  });

  it('reads the command with or without slash, in any case, with a @bot suffix', () => {
    expect(rules.canRun('telegram', 'someone', 'MODEL')).toBe(false);
    expect(rules.canRun('telegram', 'someone', '/model@switchboard_bot')).toBe(false);
    expect(rules.canRun('telegram', 'root', '/Model@switchboard_bot')).toBe(true);
  });

  it('always lets allowed users run /help and /whoami', () => {
    const strict = permissions('model:admins');
    expect(strict.canRun('telegram', 'someone', '/help')).toBe(true);
    expect(strict.canRun('telegram', 'someone', '/whoami')).toBe(true);
  });

  it('accepts an empty or missing setting', () => {
    expect(permissions(undefined).canRun('telegram', 'x', '/model')).toBe(true);
    expect(parseCommandPermissions(' ; ').size).toBe(0);
  });

  describe('refuses a bad setting and names the bad part', () => {
    it.each([
      ['model=admins', '"model=admins" has no ":"'],
      ['model:admins;reset', '"reset" has no ":"'],
      [':admins', '":admins" does not start with a command name'],
      ['mo del:admins', '"mo del:admins" does not start with a command name'],
      ['debug:', '"debug:" has an empty entry'],
      ['debug:123,,456', '"debug:123,,456" has an empty entry'],
      ['model:admins;model:everyone', '/model is listed twice'],
      ['model:everyone,123', '"everyone" cannot be combined'],
      ['help:admins', '/help is always open'],
    ])('%s', (value, expected) => {
      const message = parseError(value);
      expect(message).toContain('GATEWAY_COMMAND_PERMISSIONS');
      expect(message).toContain(expected);
    });

    it('at construction', () => {
      expect(() => permissions('model')).toThrow(/GATEWAY_COMMAND_PERMISSIONS: "model" has no ":"/);
    });
  });
});
