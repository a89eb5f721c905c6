import { Command, Option } from 'commander';
import type { ScheduleDestination } from '@switchboard/agent';
import { whyInvalidSchedule } from '@switchboard/agent/cron/cron-schedule';
import type { CronAdmin } from './cron-admin.client';
import { cliActor } from './cli-actor';
import { GlobalOptions, loadCliConfig } from './cli-config';
import { CliError } from './cli-output';

async function withAdmin<T>(global: () => GlobalOptions, work: (admin: CronAdmin) => Promise<T>): Promise<T> {
  const { withCronAdmin } = await import('./cron-admin.client.js');
  return withCronAdmin(loadCliConfig(global()), work);
}

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const iso = (at: Date | string | null) => (at ? new Date(at).toISOString() : 'never');

interface AddOptions {
  schedule: string;
  tz: string;
  prompt: string;
  chat?: string;
  account: string;
  chatType: string;
  thread?: string;
  home?: string;
}

/** `<platform>:<id>`, split at the first colon (chat ids may hold colons). */
function platformAnd(value: string, option: string, what: string): [string, string] {
  const at = value.indexOf(':');
  if (at < 1 || at === value.length - 1) throw new CliError(`${option} "${value}" is invalid: expected <platform>:<${what}>, e.g. telegram:123456`, 2);
  return [value.slice(0, at), value.slice(at + 1)];
}

function destinationOf(options: AddOptions): ScheduleDestination {
  if (!options.chat === !options.home) throw new CliError('say where the prompt is answered: --chat <platform>:<chatId> or --home <platform>:<userId>', 2);
  if (options.home) {
    const [platform, userId] = platformAnd(options.home, '--home', 'userId');
    return { homeOf: { platform, userId } };
  }
  const [platform, chatId] = platformAnd(options.chat!, '--chat', 'chatId');
  return { chat: { platform, chatId, accountId: options.account, chatType: options.chatType as 'dm', threadId: options.thread ?? null } };
}

export function cronCommand(global: () => GlobalOptions): Command {
  const command = new Command('cron').description('scheduled prompts: answered as a turn in a chat on a cron schedule');

  command
    .command('list')
    .description('every schedule')
    .action(async () => {
      const schedules = await withAdmin(global, (admin) => admin.list());
      if (!schedules.length) print('no scheduled prompts');
      for (const s of schedules) {
        const where = `${s.target.platform}:${s.target.chatId}${s.target.threadId ? `:${s.target.threadId}` : ''}`;
        print(`${s.name}\t${s.cronExpression}\t${s.timeZone}\t${where}\t${s.enabled ? 'enabled' : 'disabled'}\tnext ${iso(s.nextRunAt)}\tlast ${iso(s.lastRunAt)}`);
      }
    });

  command
    .command('add')
    .argument('<name>', '1-64 of a-z 0-9 _ -')
    .description('add a schedule')
    .requiredOption('--schedule <expression>', 'cron expression: 5 fields (minute first) or 6 (second first), e.g. "0 9 * * 1-5"')
    .requiredOption('--tz <zone>', 'IANA time zone the expression is read in, e.g. Europe/Berlin or UTC')
    .requiredOption('--prompt <text>', 'what the model is asked')
    .option('--chat <platform:chatId>', 'answer in this chat')
    .option('--account <id>', 'platform account of --chat', 'default')
    .addOption(new Option('--chat-type <type>', 'kind of --chat').choices(['dm', 'group', 'thread']).default('dm'))
    .option('--thread <id>', 'thread of --chat')
    .option('--home <platform:userId>', 'answer in the home channel that user chose with /sethome')
    .action(async (name: string, options: AddOptions) => {
      const problem = whyInvalidSchedule({ expression: options.schedule, timeZone: options.tz });
      if (problem) throw new CliError(problem, 2);
      const destination = destinationOf(options);
      const created = await withAdmin(global, (admin) =>
        admin.add({ name, cronExpression: options.schedule, timeZone: options.tz, prompt: options.prompt, destination, createdBy: cliActor() }),
      );
      print(`added ${created.name}: next run ${iso(created.nextRunAt)}`);
    });

  command
    .command('remove')
    .argument('<name>')
    .action(async (name: string) => {
      const removed = await withAdmin(global, (admin) => admin.remove(name));
      print(`removed ${removed.name}`);
    });

  command
    .command('run')
    .argument('<name>')
    .description('run the prompt once now (its schedule stays as it is)')
    .action(async (name: string) => {
      const schedule = await withAdmin(global, (admin) => admin.runNow(name));
      print(`queued ${schedule.name}: its answer goes to ${schedule.target.platform}:${schedule.target.chatId}`);
    });
  return command;
}
