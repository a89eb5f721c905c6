import { Command, Option } from 'commander';
import type { UsersAdmin } from '@switchboard/admin-api';
import { GlobalOptions, loadCliConfig } from './cli-config';
import { cliActor } from './cli-actor';
import { CliError } from './cli-output';
import { readPassword } from './read-password';

const ROLES = ['owner', 'admin', 'operator', 'auditor'];

async function withAdmin<T>(global: () => GlobalOptions, work: (admin: UsersAdmin) => Promise<T>): Promise<T> {
  const { withUsersAdmin } = await import('./users-admin.client.js');
  return withUsersAdmin(loadCliConfig(global()), work);
}

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

export function usersCommand(global: () => GlobalOptions): Command {
  const command = new Command('users').description('operators of the admin console (local accounts and SSO)');

  command
    .command('create')
    .description('create an operator; the password comes from a prompt, or stdin with --password-stdin')
    .requiredOption('--email <email>', 'their email (the sign-in name)')
    .addOption(new Option('--role <role>', 'what they may do').choices(ROLES).makeOptionMandatory())
    .option('--name <name>', 'display name')
    .option('--password-stdin', 'read the password from stdin (first line)')
    .option('--sso-only', 'no password: they sign in through SSO only')
    .action(async (options: { email: string; role: string; name?: string; passwordStdin?: boolean; ssoOnly?: boolean }) => {
      if (options.ssoOnly && options.passwordStdin) throw new CliError('--sso-only and --password-stdin exclude each other');
      const password = options.ssoOnly ? undefined : await readPassword(options.passwordStdin === true);
      const user = await withAdmin(global, (admin) =>
        admin.createUser({ email: options.email, role: options.role as 'owner', displayName: options.name, password }, cliActor()),
      );
      print(`created ${user.role} ${user.email}${user.hasPassword ? '' : ' (SSO only)'}`);
    });

  command
    .command('list')
    .description('every operator')
    .action(async () => {
      const users = await withAdmin(global, (admin) => admin.listUsers());
      if (!users.length) print('no operators yet: create one with `switchboard users create --email <you> --role owner`');
      for (const u of users) {
        const state = u.disabled ? 'disabled' : u.lockedUntil ? `locked until ${u.lockedUntil}` : 'active';
        print(`${u.email}\t${u.role}\t${state}\t${u.hasPassword ? 'password' : 'sso'}\tlast sign-in ${u.lastLoginAt ?? 'never'}`);
      }
    });

  command
    .command('disable')
    .argument('<email>')
    .description('stop an operator from signing in (their sessions end)')
    .action(async (email: string) => {
      const user = await withAdmin(global, (admin) => admin.disableUser(email, cliActor()));
      print(`disabled ${user.email}`);
    });
  return command;
}
