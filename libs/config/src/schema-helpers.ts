import { DEFAULT_ACCOUNT } from '@switchboard/core';
import { z } from 'zod';

// The building blocks of the configuration schema, shared by config.schema.ts and the platform
// blocks under channels/ (each platform's keys live in their own file).

/**
 * Metadata on every leaf of the schema: the environment variable that sets it, whether it is a
 * secret (never logged, masked in the admin console) and a line for the configuration reference.
 */
export interface ConfigKeyMeta {
  env: string;
  description: string;
  secret?: boolean;
}

export const key = <T extends z.ZodType>(schema: T, meta: ConfigKeyMeta): T => schema.meta({ ...meta });

export const port = z.coerce
  .number({ error: 'expected a TCP port number' })
  .int('expected a whole number')
  .min(0, 'expected a port between 0 and 65535')
  .max(65535, 'expected a port between 0 and 65535');

export const wholeNumber = (min: number, max: number) => {
  const expected = `expected a whole number from ${min} to ${max}`;
  return z.coerce.number({ error: expected }).int(expected).min(min, expected).max(max, expected);
};
export const positiveInt = (what: string) =>
  z.coerce.number({ error: `expected ${what}` }).int(`expected ${what}`).positive(`expected ${what}`);

/** Accepts true/false/1/0/yes/no/on/off (environment variables are strings). */
export const flag = z.preprocess((value) => {
  if (typeof value !== 'string') return value;
  const v = value.trim().toLowerCase();
  if (['true', '1', 'yes', 'on'].includes(v)) return true;
  if (['false', '0', 'no', 'off', ''].includes(v)) return false;
  return value;
}, z.boolean({ error: 'expected true or false' }));

export const url = (protocols: string[]) =>
  z
    .string()
    .trim()
    .refine((value) => {
      try {
        return protocols.includes(new URL(value).protocol);
      } catch {
        return false;
      }
    }, `expected a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`);

/** A comma-separated list in an environment variable, or a YAML list. */
export const list = z.preprocess(
  (value) => (typeof value === 'string' ? value.split(',').map((item) => item.trim()).filter(Boolean) : value),
  z.array(z.coerce.string().trim().min(1, 'expected non-empty items')),
);

/**
 * A map: a YAML mapping, or JSON text in an environment variable. Entries are checked here, so
 * that a wrong one is reported under the key's variable, naming the entry.
 */
export const jsonMap = <T extends z.ZodType>(value: T, names: z.ZodString) =>
  z
    .preprocess((raw) => {
      if (typeof raw !== 'string') return raw;
      try {
        return JSON.parse(raw) as unknown;
      } catch {
        return raw; // reported as "expected a map" below
      }
    }, z.record(z.string(), z.unknown(), { error: 'expected a map (a YAML mapping, or JSON text in the environment variable)' }))
    .transform((map, ctx) => {
      const entries: Record<string, z.output<T>> = {};
      for (const [name, raw] of Object.entries(map)) {
        const checked = names.safeParse(name);
        const parsed = value.safeParse(raw);
        const problem = !checked.success ? checked.error.issues[0].message : !parsed.success ? parsed.error.issues.map((issue) => [...issue.path, issue.message].join(': ')).join('; ') : undefined;
        if (problem) ctx.addIssue({ code: 'custom', message: `"${name}": ${problem}` });
        else entries[name] = parsed.data as z.output<T>;
      }
      return entries;
    });


export const dmPolicy = z.enum(['pairing', 'allowlist', 'open', 'disabled'], {
  error: 'expected one of pairing, allowlist, open, disabled',
});

export const resetMode = z.enum(['daily', 'idle', 'both', 'never'], { error: 'expected one of daily, idle, both, never' });

/**
 * Who may talk to the bot on one platform and how; every platform block has these keys with its
 * own prefix (TELEGRAM_ALLOWED_USERS, SLACK_ALLOWED_USERS, ...).
 */
export function channelAccessSchema(prefix: string, platform: string) {
  return {
    allowedUsers: key(list.default([]), {
      env: `${prefix}_ALLOWED_USERS`,
      description: `${platform} user ids allowed to talk to the agent (added to the database allowlist).`,
    }),
    adminUsers: key(list.default([]), {
      env: `${prefix}_ADMIN_USERS`,
      description: `${platform} user ids that may run admin-only commands.`,
    }),
    dmPolicy: key(dmPolicy.default('pairing'), {
      env: `${prefix}_DM_POLICY`,
      description: 'Direct messages from unknown users: pairing (send a code to approve), allowlist (ignore), open, disabled.',
    }),
    allowedGroups: key(list.default([]), {
      env: `${prefix}_ALLOWED_GROUPS`,
      description: `${platform} group/chat ids the bot answers in (when mentioned or replied to).`,
    }),
    sessionReset: key(resetMode.optional(), {
      env: `${prefix}_SESSION_RESET`,
      description: 'Overrides SESSION_RESET for this platform.',
    }),
  };
}


/**
 * What an account of a platform lacks, as [key, problem] pairs. `name` names a key in a problem:
 * its variable for the flat keys (TELEGRAM_MODE), its own name in an `accounts` entry (mode).
 */
export type AccountIssues<A> = (account: A, name: (key: keyof A & string) => string) => [keyof A & string, string][];

/**
 * `<platform>.accounts`: more accounts (bots, apps) of the platform beside the default one of the
 * flat keys, by account id. Each entry takes the flat keys' account settings (`fields`, with their
 * defaults, not inherited from the flat keys) and must be complete. The access settings are not
 * among them: who may talk to the agent is decided per platform, for every account alike.
 */
export function channelAccounts<F extends z.ZodRawShape>(prefix: string, platform: string, fields: F, issues: AccountIssues<z.output<z.ZodObject<F>>>) {
  const account = z
    .object(fields)
    .strict()
    .superRefine((entry, ctx) => {
      for (const [name, message] of issues(entry, (other) => other)) ctx.addIssue({ code: 'custom', path: [name], message });
    });
  const ids = z
    .string()
    .regex(/^[a-z0-9_-]{1,32}$/, 'expected account ids of 1-32 of a-z 0-9 _ -')
    .refine((id) => id !== DEFAULT_ACCOUNT, `"${DEFAULT_ACCOUNT}" is the account of the flat ${prefix}_* keys`);
  return key(jsonMap(account, ids).default({}), {
    env: `${prefix}_ACCOUNTS`,
    secret: true,
    description: `More ${platform} accounts by id (1-32 of a-z 0-9 _ -), each with the account keys above: {"support": {...}}. Webhooks of one arrive at /webhooks/<platform>/<id>.`,
  });
}

/**
 * Adds the problems of a platform block's flat keys (the default account), naming each key by its
 * variable, and a problem for two accounts of the block that are one and the same (`identity`).
 */
export function checkAccounts<A extends object>(
  block: A & { accounts: Record<string, A> },
  ctx: z.RefinementCtx,
  options: { fields: Record<string, z.ZodType>; on: (account: A) => boolean; issues: AccountIssues<A>; identity: (account: A) => string | undefined; what: string },
): void {
  const variable = (name: string) => (options.fields[name].meta() as ConfigKeyMeta | undefined)?.env ?? name;
  if (options.on(block)) {
    for (const [name, message] of options.issues(block, variable)) ctx.addIssue({ code: 'custom', path: [name], message });
  }
  const seen = new Map<string, string>();
  const accounts: [string, A][] = [...(options.on(block) ? [[DEFAULT_ACCOUNT, block] as [string, A]] : []), ...Object.entries(block.accounts)];
  for (const [id, account] of accounts) {
    const same = options.identity(account);
    if (same === undefined) continue;
    const other = seen.get(same);
    if (other !== undefined) ctx.addIssue({ code: 'custom', path: ['accounts'], message: `accounts "${other}" and "${id}" have the same ${options.what}` });
    else seen.set(same, id);
  }
}

/** One account of a platform block: its id and its settings. */
export interface ChannelAccount<A> {
  accountId: string;
  settings: A;
}

/**
 * Every account of a platform block: the flat keys as `default` (whether they are set is the
 * reader's test, as for a block without accounts), then each entry of `accounts`.
 */
export function accountsOf<A>(block: A & { accounts: Record<string, A> }): ChannelAccount<A>[] {
  return [{ accountId: DEFAULT_ACCOUNT, settings: block }, ...Object.entries(block.accounts).map(([accountId, settings]) => ({ accountId, settings }))];
}
