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

/** The settings of one account of a platform: the output of its account fields. */
type AccountSettings<F extends z.ZodRawShape> = z.output<z.ZodObject<F>>;

/**
 * The account keys an `accounts` entry takes from the flat keys when it leaves them out: the
 * settings with a default (mode, apiRoot, domain, ...). Credentials and the keys that say which bot
 * or app an account is (a token, a client id, a webhook URL) have no default, so they are never
 * inherited; a secret is left out by name as well.
 */
function inheritedKeys(fields: z.ZodRawShape): string[] {
  return Object.keys(fields).filter((name) => {
    const field = fields[name] as z.ZodType;
    return field instanceof z.ZodDefault && !(field.meta() as ConfigKeyMeta | undefined)?.secret;
  });
}

/**
 * `<platform>.accounts`: more accounts (bots, apps) of the platform beside the default one of the
 * flat keys, by account id. Each entry takes the flat keys' account settings (`fields`); the
 * inherited ones (see inheritedKeys) may be left out, and are filled in from the flat keys by
 * inheritFlatSettings. The access settings are not among them: who may talk to the agent is
 * decided per platform, for every account alike.
 */
export function channelAccounts<F extends z.ZodRawShape>(prefix: string, platform: string, fields: F) {
  const inherited = new Set(inheritedKeys(fields));
  const entryFields = Object.fromEntries(
    Object.entries(fields).map(([name, field]) => [name, inherited.has(name) ? (field as z.ZodDefault<z.ZodType>).removeDefault().optional() : field]),
  );
  // The shape is built at run time, so its type is stated: the settings, the inherited ones optional.
  const account = z.object(entryFields).strict() as unknown as z.ZodType<Partial<AccountSettings<F>>>;
  const ids = z
    .string()
    .regex(/^[a-z0-9_-]{1,32}$/, 'expected account ids of 1-32 of a-z 0-9 _ -')
    .refine((id) => id !== DEFAULT_ACCOUNT, `"${DEFAULT_ACCOUNT}" is the account of the flat ${prefix}_* keys`);
  return key(jsonMap(account, ids).default({}), {
    env: `${prefix}_ACCOUNTS`,
    secret: true,
    description: `More ${platform} accounts by id (1-32 of a-z 0-9 _ -), each with the account keys above: {"support": {...}}. A key with a default that an account leaves out takes the flat key's value; credentials never do. Webhooks of one arrive at /webhooks/<platform>/<id>.`,
  });
}

/**
 * A platform block's transform: each `accounts` entry completed with the flat keys' values of the
 * inherited settings it leaves out (mode, apiRoot, ...: see inheritedKeys), so that every account
 * reads as complete settings and is checked as such.
 */
export function inheritFlatSettings<F extends z.ZodRawShape>(fields: F) {
  const inherited = inheritedKeys(fields);
  return <B extends AccountSettings<F> & { accounts: Record<string, Partial<AccountSettings<F>>> }>(block: B): Omit<B, 'accounts'> & { accounts: Record<string, AccountSettings<F>> } => {
    const flat = Object.fromEntries(inherited.map((name) => [name, (block as Record<string, unknown>)[name]]));
    const accounts = Object.fromEntries(
      // A key an entry leaves out is absent from its parsed value, so the entry's own keys win.
      Object.entries(block.accounts).map(([id, entry]) => [id, { ...flat, ...entry } as AccountSettings<F>]),
    );
    return { ...block, accounts };
  };
}

/**
 * Adds the problems of a platform block's accounts: those of its flat keys (the default account),
 * naming each key by its variable; those of each `accounts` entry (after inheritFlatSettings),
 * naming the entry; and one for two accounts that are one and the same bot or app (`identity`).
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
  for (const [id, account] of Object.entries(block.accounts)) {
    const problems = options.issues(account, (name) => name);
    if (problems.length > 0) ctx.addIssue({ code: 'custom', path: ['accounts'], message: `"${id}": ${problems.map(([name, message]) => `${name}: ${message}`).join('; ')}` });
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
