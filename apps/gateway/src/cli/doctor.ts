import fs from 'node:fs';
import path from 'node:path';
import { probeMcpServer } from '@switchboard/agent/tools/mcp/mcp-server.probe';
import { ConfigError, SwitchboardConfig, loadConfig, redactUrl } from '@switchboard/config';
import { createChannelAdapters } from '@switchboard/channels';
import { channelName } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { DataDirLock, withMigrator } from '@switchboard/persistence';
import { LlmRouter } from '@switchboard/providers';
import { DeadLetterQueueSummary, DeadLetterSummary, QueueModule, pingRedis } from '@switchboard/queue';
import { readRuntimeFile } from '../local-admin/runtime-file';
import { GlobalOptions, gatewayBaseUrl } from './cli-config';
import { CheckRow } from './cli-output';
import { withAdminPort } from './local-api';

/** Every check of `switchboard doctor`, as table rows. */
export async function diagnose(global: GlobalOptions): Promise<CheckRow[]> {
  let config: SwitchboardConfig;
  try {
    config = loadConfig({ configFile: global.config });
  } catch (error) {
    if (error instanceof ConfigError) return [{ part: 'config', status: 'failed', detail: error.message }];
    throw error;
  }
  const mode = config.database.url || config.redis.url ? 'production' : 'embedded';
  const database = await check('database', () => checkDatabase(config));
  const queue: CheckRow = config.redis.url
    ? await check('redis', async () => `PONG from Redis ${await pingRedis(config.redis.url!)} at ${redactUrl(config.redis.url!)}`)
    : { part: 'queue', status: 'ok', detail: 'in-process driver (set REDIS_URL for BullMQ)' };
  const storesReachable = database.status === 'ok' && queue.status === 'ok';
  return [
    { part: 'config', status: 'ok', detail: `valid (${mode} mode)` },
    database,
    queue,
    ...(await checkModels(config)),
    ...(await checkChannels(config)),
    ...(await checkMcpServers(config)),
    storesReachable ? await checkDeadLetters(config) : { part: 'dead letters', status: 'warning', detail: 'not checked: the database or Redis is unreachable' },
    await checkGateway(config),
  ];
}

/** Each configured model (main and fallbacks) answers a cheap request (listing models). */
async function checkModels(config: SwitchboardConfig): Promise<CheckRow[]> {
  const router = new LlmRouter(config, new SwitchboardMetrics());
  // The gateway runs without a model, but nobody gets an answer: worth a warning.
  if (!router.isConfigured()) return [{ part: 'model', status: 'warning', detail: 'none configured (users are told so); set LLM_PROVIDER' }];
  const results = await router.probe();
  return results.map((result) => ({ part: `model ${result.ref}`, status: result.ok ? 'ok' : 'failed', detail: result.detail }));
}

/** Each configured channel's credentials work against its platform. */
async function checkChannels(config: SwitchboardConfig): Promise<CheckRow[]> {
  const channels = await createChannelAdapters(config);
  if (!channels.length) return [{ part: 'channels', status: 'ok', detail: 'none configured (set TELEGRAM_BOT_TOKEN); the web chat and the API still work' }];
  return Promise.all(
    channels.map((channel) =>
      check(`channel ${channelName(channel)}`, async () => {
        const info = await channel.healthProbe();
        return Object.entries(info).map(([k, v]) => `${k}=${String(v)}`).join(' ') || 'reachable';
      }),
    ),
  );
}

/** Each configured MCP server starts (or answers), completes the handshake and lists its tools. */
function checkMcpServers(config: SwitchboardConfig): Promise<CheckRow[]> {
  return Promise.all(Object.entries(config.mcp.servers).map(([name, server]) => check(`mcp ${name}`, () => probeMcpServer(name, server))));
}

async function checkDatabase(config: SwitchboardConfig): Promise<string> {
  const where = config.database.url ? `PostgreSQL ${redactUrl(config.database.url)}` : `PGlite ${config.database.dataDir}`;
  const holder = config.database.url ? undefined : DataDirLock.holder(config.database.dataDir);
  if (holder) return `${where} (open in the running gateway, pid ${holder})`;
  if (!config.database.url && !fs.existsSync(path.join(config.database.dataDir, 'pglite'))) {
    return `${where}: not created yet (the gateway creates it at first start)`;
  }
  const status = await withMigrator({ url: config.database.url, dataDir: config.database.dataDir }, (m) => m.status());
  if (status.failed.length) throw new Error(`${where}: failed migrations ${status.failed.join(', ')}`);
  const pending = status.pending.length ? `, ${status.pending.length} pending (applied at gateway start)` : '';
  return `${where}: ${status.applied.length} migrations applied${pending}`;
}

/**
 * Jobs that ran out of attempts (replies the platform kept refusing, notices never sent): how many
 * per queue and the latest error. Read through the running gateway, or from the database.
 */
async function checkDeadLetters(config: SwitchboardConfig): Promise<CheckRow> {
  const part = 'dead letters';
  // Reading the queues opens the database: an embedded one that does not exist yet is left uncreated.
  const created = config.database.url || fs.existsSync(path.join(config.database.dataDir, 'pglite'));
  if (!created && !readRuntimeFile(config.database.dataDir)) return { part, status: 'ok', detail: 'none (no database yet)' };
  let queues: DeadLetterQueueSummary[];
  try {
    queues = await withAdminPort(
      config,
      (api) => ({ summarize: () => api.call<DeadLetterQueueSummary[]>('GET', '/queue/dead-letters') }),
      { imports: [QueueModule], service: DeadLetterSummary },
      (summary) => summary.summarize(),
    );
  } catch (error) {
    return { part, status: 'failed', detail: `could not read the queues: ${error instanceof Error ? error.message : String(error)}` };
  }
  const dead = queues.filter((queue) => queue.dead > 0);
  if (!dead.length) return { part, status: 'ok', detail: 'none' };
  const described = dead.map((queue) => {
    const when = queue.lastFailedAt ? ` at ${queue.lastFailedAt}` : '';
    return `${queue.queue}: ${queue.dead} (last error: ${queue.lastError ?? 'unknown'}${when})`;
  });
  return { part, status: 'warning', detail: described.join('; ') };
}

async function checkGateway(config: SwitchboardConfig): Promise<CheckRow> {
  const url = gatewayBaseUrl(config);
  let response: Response;
  try {
    response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(3_000) });
  } catch {
    // Not a fault of the setup (doctor also runs before the first start), but nothing answers.
    return { part: 'gateway', status: 'warning', detail: `not running at ${url}` };
  }
  if (!response.ok) {
    return { part: 'gateway', status: 'failed', detail: `running at ${url} but not ready (HTTP ${response.status}); see \`switchboard gateway status\`` };
  }
  return { part: 'gateway', status: 'ok', detail: `running and ready at ${url}` };
}

async function check(part: string, run: () => Promise<string>): Promise<CheckRow> {
  try {
    return { part, status: 'ok', detail: await run() };
  } catch (error) {
    return { part, status: 'failed', detail: error instanceof Error ? error.message : String(error) };
  }
}
