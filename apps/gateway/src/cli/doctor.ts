import fs from 'node:fs';
import path from 'node:path';
import { ConfigError, SwitchboardConfig, loadConfig, redactUrl } from '@switchboard/config';
import { createChannelAdapters } from '@switchboard/channels';
import { SwitchboardMetrics } from '@switchboard/observability';
import { DataDirLock, withMigrator } from '@switchboard/persistence';
import { LlmRouter } from '@switchboard/providers';
import { pingRedis } from '@switchboard/queue';
import { GlobalOptions, gatewayBaseUrl } from './cli-config';
import { CheckRow } from './cli-output';

/** Every check of `switchboard doctor`, as table rows. */
export async function diagnose(global: GlobalOptions): Promise<CheckRow[]> {
  let config: SwitchboardConfig;
  try {
    config = loadConfig({ configFile: global.config });
  } catch (error) {
    if (error instanceof ConfigError) return [{ part: 'config', ok: false, detail: error.message }];
    throw error;
  }
  const mode = config.database.url || config.redis.url ? 'production' : 'embedded';
  return [
    { part: 'config', ok: true, detail: `valid (${mode} mode)` },
    await check('database', () => checkDatabase(config)),
    config.redis.url
      ? await check('redis', async () => `PONG from Redis ${await pingRedis(config.redis.url!)} at ${redactUrl(config.redis.url!)}`)
      : { part: 'queue', ok: true, detail: 'in-process driver (set REDIS_URL for BullMQ)' },
    ...(await checkModels(config)),
    ...(await checkChannels(config)),
    await check('gateway', () => checkGateway(config)),
  ];
}

/** Each configured model (main and fallbacks) answers a cheap request (listing models). */
async function checkModels(config: SwitchboardConfig): Promise<CheckRow[]> {
  const router = new LlmRouter(config, new SwitchboardMetrics());
  if (!router.isConfigured()) return [{ part: 'model', ok: true, detail: 'none configured (users are told so); set LLM_PROVIDER' }];
  const results = await router.probe();
  return results.map((result) => ({ part: `model ${result.ref}`, ok: result.ok, detail: result.detail }));
}

/** Each configured channel's credentials work against its platform. */
async function checkChannels(config: SwitchboardConfig): Promise<CheckRow[]> {
  const channels = await createChannelAdapters(config);
  if (!channels.length) return [{ part: 'channels', ok: true, detail: 'none configured (set TELEGRAM_BOT_TOKEN, ...)' }];
  return Promise.all(
    channels.map((channel) =>
      check(`channel ${channel.id}`, async () => {
        const info = await channel.healthProbe();
        return Object.entries(info).map(([k, v]) => `${k}=${String(v)}`).join(' ') || 'reachable';
      }),
    ),
  );
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

async function checkGateway(config: SwitchboardConfig): Promise<string> {
  const url = gatewayBaseUrl(config);
  try {
    const response = await fetch(`${url}/ready`, { signal: AbortSignal.timeout(3_000) });
    if (!response.ok) throw new Error(`running at ${url} but not ready (HTTP ${response.status}); see \`switchboard gateway status\``);
    return `running and ready at ${url}`;
  } catch (error) {
    if (error instanceof Error && error.message.startsWith('running at')) throw error;
    return `not running at ${url}`;
  }
}

async function check(part: string, run: () => Promise<string>): Promise<CheckRow> {
  try {
    return { part, ok: true, detail: await run() };
  } catch (error) {
    return { part, ok: false, detail: error instanceof Error ? error.message : String(error) };
  }
}
