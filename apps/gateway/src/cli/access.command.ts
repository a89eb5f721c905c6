import { Command } from 'commander';
import type { AccessAdmin } from '../local-admin/access-admin';
import { cliActor } from './cli-actor';
import { GlobalOptions, loadCliConfig } from './cli-config';

/** Runs `work` through the running gateway or on the database (loaded on use: it needs Nest). */
async function withAdmin<T>(global: () => GlobalOptions, work: (admin: AccessAdmin) => Promise<T>): Promise<T> {
  const { withAccessAdmin } = await import('./access-admin.client.js');
  return withAccessAdmin(loadCliConfig(global()), work);
}

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

export function allowlistCommand(global: () => GlobalOptions): Command {
  const command = new Command('allowlist').description('who may talk to the agent (database allowlist; "*" = every platform)');
  const run = <T>(work: (admin: AccessAdmin) => Promise<T>) => withAdmin(global, work);

  command
    .command('list')
    .argument('[platform]', 'only this platform (and "*")')
    .action(async (platform?: string) => {
      const entries = await run((admin) => admin.listAllowlist(platform));
      if (!entries.length) print('the allowlist is empty');
      for (const e of entries) print(`${e.platform}\t${e.userId}\tadded ${e.createdAt}${e.createdBy ? ` by ${e.createdBy}` : ''}`);
    });

  command
    .command('add')
    .argument('<platform>', 'telegram, slack, ... or * for every platform')
    .argument('<userId>', "the user's id on that platform (ask them to send /whoami)")
    .action(async (platform: string, userId: string) => {
      const { added } = await run((admin) => admin.addToAllowlist(platform, userId, cliActor()));
      print(added ? `added ${platform} user ${userId}` : `${platform} user ${userId} was already allowed`);
    });

  command
    .command('remove')
    .argument('<platform>')
    .argument('<userId>')
    .action(async (platform: string, userId: string) => {
      const { removed } = await run((admin) => admin.removeFromAllowlist(platform, userId, cliActor()));
      print(removed ? `removed ${platform} user ${userId}` : `${platform} user ${userId} was not on the allowlist`);
    });
  return command;
}

export function pairingCommand(global: () => GlobalOptions): Command {
  const command = new Command('pairing').description('approve users who asked for access in a direct message');
  const run = <T>(work: (admin: AccessAdmin) => Promise<T>) => withAdmin(global, work);

  command
    .command('list')
    .argument('[platform]')
    .description('pending requests (codes are stored hashed: the user has theirs)')
    .action(async (platform?: string) => {
      const requests = await run((admin) => admin.listPairings(platform));
      if (!requests.length) print('no pending pairing requests');
      for (const r of requests) print(`${r.platform}\t${r.userId}\t${r.displayName ?? ''}\texpires ${r.expiresAt}`);
    });

  command
    .command('approve')
    .argument('<platform>')
    .argument('<code>', 'the code the user received')
    .action(async (platform: string, code: string) => {
      const approved = await run((admin) => admin.approvePairing(platform, code, cliActor()));
      print(`approved ${approved.platform} user ${approved.userId}${approved.displayName ? ` (${approved.displayName})` : ''}; they are being told`);
    });

  command
    .command('revoke')
    .argument('<platform>')
    .argument('<userId>')
    .action(async (platform: string, userId: string) => {
      const result = await run((admin) => admin.revokePairing(platform, userId, cliActor()));
      print(`revoked ${platform} user ${userId} (allowlist entry ${result.removed ? 'removed' : 'not found'})`);
      if (result.stillAllowedByConfig) print('note: the configuration (e.g. TELEGRAM_ALLOWED_USERS) still allows this user');
    });
  return command;
}
