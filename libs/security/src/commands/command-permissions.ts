import { Injectable } from '@nestjs/common';
import { ConfigError } from '@switchboard/config';
import { AccessLists } from '../access/access-lists';
import { RuntimeSettings } from '../settings/runtime-settings';

/** Who may run one command: everyone allowed, or admins and/or some user ids. */
export type CommandRule = { everyone: true } | { everyone: false; admins: boolean; userIds: string[] };

// Help and identity must stay reachable, or a user cannot find out why something was refused.
const ALWAYS_OPEN = new Set(['help', 'whoami']);
const ENV = 'GATEWAY_COMMAND_PERMISSIONS';
const EXPECTED = 'expected command:admins, command:everyone or command:<id>,<id> separated by ";"';

/**
 * Slash command permissions from security.commandPermissions, e.g. "model:admins;reset:everyone;debug:123,456".
 * They apply to users the access policy already let in; commands not listed are open to all of them.
 * An operator's change (RuntimeSettings) applies from the next command on.
 */
@Injectable()
export class CommandPermissions {
  private rules: ReadonlyMap<string, CommandRule>;

  constructor(
    settings: RuntimeSettings,
    private readonly lists: AccessLists,
  ) {
    this.rules = parseCommandPermissions(settings.config.security.commandPermissions ?? '');
    settings.onChange(({ config }) => (this.rules = parseCommandPermissions(config.security.commandPermissions ?? '')));
  }

  /**
   * Whether an allowed user may run the command ("/model", "model" or "/model@bot"). A command the
   * setting does not list is open to `unlisted`: everyone, or admins only.
   */
  canRun(platform: string, userId: string, command: string, unlisted: 'everyone' | 'admins' = 'everyone'): boolean {
    const rule = this.rules.get(commandName(command));
    if (!rule) return unlisted === 'everyone' || ALWAYS_OPEN.has(commandName(command)) || this.isAdmin(platform, userId);
    if (rule.everyone) return true;
    return (rule.admins && this.isAdmin(platform, userId)) || rule.userIds.includes(userId);
  }

  /** In security.adminUsers or <platform>.adminUsers. */
  isAdmin(platform: string, userId: string): boolean {
    return this.lists.isAdmin(platform, userId);
  }
}

/** Parses the setting; throws a ConfigError naming the part that is wrong. */
export function parseCommandPermissions(value: string): Map<string, CommandRule> {
  const rules = new Map<string, CommandRule>();
  for (const part of value.split(';').map((p) => p.trim()).filter(Boolean)) {
    const colon = part.indexOf(':');
    if (colon < 0) throw problem(`"${part}" has no ":"`);
    const command = commandName(part.slice(0, colon));
    const who = part.slice(colon + 1).split(',').map((w) => w.trim());

    if (!/^[a-z0-9_-]+$/.test(command)) throw problem(`"${part}" does not start with a command name`);
    if (ALWAYS_OPEN.has(command)) throw problem(`"${part}": /${command} is always open to allowed users and cannot be restricted`);
    if (rules.has(command)) throw problem(`"${part}": /${command} is listed twice`);
    if (who.some((w) => w === '')) throw problem(`"${part}" has an empty entry after the ":"`);
    if (who.includes('everyone')) {
      if (who.length > 1) throw problem(`"${part}": "everyone" cannot be combined with other entries`);
      rules.set(command, { everyone: true });
      continue;
    }
    rules.set(command, { everyone: false, admins: who.includes('admins'), userIds: who.filter((w) => w !== 'admins') });
  }
  return rules;
}

function commandName(command: string): string {
  return command.trim().replace(/^\//, '').replace(/@.*$/, '').toLowerCase();
}

function problem(detail: string): ConfigError {
  return new ConfigError([`${ENV}: ${detail}; ${EXPECTED}`]);
}
