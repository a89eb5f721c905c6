import { Command, InvalidArgumentError } from 'commander';
import type { ApiKeyView, ApiKeysAdmin } from '@switchboard/control-plane/openai-api/api-keys/api-keys-admin';
import { cliActor } from './cli-actor';
import { GlobalOptions, loadCliConfig } from './cli-config';

/** Runs `work` through the running gateway or on the database (loaded on use: it needs Nest). */
async function withAdmin<T>(global: () => GlobalOptions, work: (admin: ApiKeysAdmin) => Promise<T>): Promise<T> {
  const { withApiKeysAdmin } = await import('./api-keys-admin.client.js');
  return withApiKeysAdmin(loadCliConfig(global()), work);
}

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

interface CreateOptions {
  name: string;
  rateLimit?: number;
  scopes?: string[];
}

export function apiKeysCommand(global: () => GlobalOptions): Command {
  const command = new Command('apikeys').description('keys for the OpenAI-compatible API (/v1/chat/completions, /v1/models)');
  const run = <T>(work: (admin: ApiKeysAdmin) => Promise<T>) => withAdmin(global, work);

  command
    .command('create')
    .description('create a key; it is printed once and never stored')
    .requiredOption('--name <name>', 'a unique name (letters, digits, . _ -)')
    .option('--rate-limit <perMinute>', 'requests per minute for this key (default: no limit)', parseRateLimit)
    .option('--scopes <scopes>', 'comma-separated: chat, models (default: all)', (value: string) => value.split(',').map((s) => s.trim()))
    .action(async (options: CreateOptions) => {
      const { key, apiKey } = await run((admin) =>
        admin.createApiKey({ name: options.name, rateLimitPerMinute: options.rateLimit ?? null, scopes: options.scopes }, cliActor()),
      );
      // The key alone on stdout, so that `KEY=$(switchboard apikeys create ...)` works; the notes on stderr.
      print(key);
      process.stderr.write(`created API key "${apiKey.name}" (${describe(apiKey)}); copy it now: it is not shown again\n`);
    });

  command
    .command('list')
    .description('every key with its prefix, limits and last use (the keys themselves are not stored)')
    .action(async () => {
      const keys = await run((admin) => admin.listApiKeys());
      if (!keys.length) print('no API keys');
      for (const key of keys) {
        const status = key.revokedAt ? `revoked ${key.revokedAt}` : 'active';
        print(`${key.name}\t${key.prefix}…\t${describe(key)}\tcreated ${key.createdAt}\tlast used ${key.lastUsedAt ?? 'never'}\t${status}`);
      }
    });

  command
    .command('revoke')
    .argument('<name>', 'the name (or id) of the key')
    .action(async (name: string) => {
      const { apiKey, revoked } = await run((admin) => admin.revokeApiKey(name, cliActor()));
      print(revoked ? `revoked API key "${apiKey.name}" (${apiKey.prefix}…)` : `API key "${apiKey.name}" was already revoked`);
    });
  return command;
}

function describe(key: ApiKeyView): string {
  const scopes = key.scopes.length ? key.scopes.join(',') : 'all scopes';
  return `${scopes}, ${key.rateLimitPerMinute ? `${key.rateLimitPerMinute}/min` : 'no rate limit'}`;
}

function parseRateLimit(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('expected a whole number of requests per minute');
  return Number(value);
}
