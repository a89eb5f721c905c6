import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { SecuritySettingRepository } from '@switchboard/persistence';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import { RedisReplicaBus, redisOptionsFromUrl } from '@switchboard/queue';
import { AccessLists } from '../access/access-lists';
import { CommandPermissions } from '../commands/command-permissions';
import { IpRules } from '../ip/ip-rules';
import { RuntimeSettings } from './runtime-settings';
import { SettingsSync } from './settings-sync';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
// A Redis database of its own: other specs' buses never hear these events.
const REDIS_DB = 12;

const config = configSchema.parse({ security: { adminUsers: ['boss'], webhookIpDeny: ['192.0.2.0/24'] } });

/** One gateway replica's view of the settings: the runtime settings and what reads them. */
function replica(db: TestDatabase, bus: RedisReplicaBus | null) {
  const runtime = new RuntimeSettings(config);
  const lists = new AccessLists(runtime);
  return {
    runtime,
    ip: new IpRules(runtime),
    commands: new CommandPermissions(runtime, lists),
    lists,
    sync: new SettingsSync(new SecuritySettingRepository(db.db), runtime, bus),
  };
}

async function until(ok: () => boolean): Promise<void> {
  for (let i = 0; i < 250 && !ok(); i++) await new Promise((resolve) => setTimeout(resolve, 20));
}

describe.each(TEST_DATABASE_KINDS)('SettingsSync on %s', (kind) => {
  let database: TestDatabase;
  let store: SecuritySettingRepository;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await openTestDatabase(kind);
    store = new SecuritySettingRepository(database.db);
  });
  afterAll(() => database.close());

  it('puts the stored overrides in force at start, over the configuration', async () => {
    await store.put('telegram.dmPolicy', 'open', 'test');
    await store.put('security.webhookIpDeny', ['198.51.100.0/24'], 'test');
    const here = replica(database, null);
    await here.sync.onModuleInit();
    try {
      expect(here.lists.channel('telegram').dmPolicy).toBe('open');
      expect(here.ip.check('webhook', '198.51.100.9').reason).toBe('ip_denied');
      // The override replaces the configured list; it does not add to it.
      expect(here.ip.check('webhook', '192.0.2.9').allowed).toBe(true);
    } finally {
      here.sync.onApplicationShutdown();
      await store.remove('telegram.dmPolicy');
      await store.remove('security.webhookIpDeny');
    }
  });

  it('applies a change and a reset at once in the process that announces it', async () => {
    const here = replica(database, null);
    await here.sync.onModuleInit();
    try {
      expect(here.commands.canRun('telegram', 'alice', '/status')).toBe(true);
      await store.put('security.commandPermissions', 'status:admins', 'test');
      await here.sync.announce(['security.commandPermissions']);
      expect(here.commands.canRun('telegram', 'alice', '/status')).toBe(false);
      expect(here.commands.canRun('telegram', 'boss', '/status')).toBe(true);

      await store.remove('security.commandPermissions');
      await here.sync.announce(['security.commandPermissions']);
      expect(here.commands.canRun('telegram', 'alice', '/status')).toBe(true);
    } finally {
      here.sync.onApplicationShutdown();
    }
  });

  it('ignores a stored value the rules refuse, and a key it does not know, keeping the configuration', async () => {
    await store.put('telegram.dmPolicy', 'everyone', 'written by hand');
    await store.put('security.pairingCodeSecret', 'x'.repeat(40), 'written by hand');
    const here = replica(database, null);
    await here.sync.onModuleInit();
    try {
      expect(here.lists.channel('telegram').dmPolicy).toBe('pairing');
      expect(here.runtime.overrides.size).toBe(0);
    } finally {
      here.sync.onApplicationShutdown();
      await store.remove('telegram.dmPolicy');
      await store.remove('security.pairingCodeSecret');
    }
  });
});

describe('SettingsSync between two replicas on PostgreSQL and Redis', () => {
  let database: TestDatabase;
  const buses: RedisReplicaBus[] = [];
  const bus = () => {
    const url = new URL(REDIS_URL);
    url.pathname = `/${REDIS_DB}`;
    const created = new RedisReplicaBus(redisOptionsFromUrl(url.toString()), 'settings');
    buses.push(created);
    return created;
  };

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await openTestDatabase('postgres');
  });
  afterAll(async () => {
    await Promise.all(buses.map((b) => b.onApplicationShutdown()));
    await database.close();
  });

  it('brings a change made on replica A to replica B without a restart', async () => {
    const a = replica(database, bus());
    const b = replica(database, bus());
    await Promise.all([a.sync.onModuleInit(), b.sync.onModuleInit()]);
    try {
      const store = new SecuritySettingRepository(database.db);
      // The subscription is confirmed asynchronously: announce until B has heard once.
      await store.put('telegram.enabled', false, 'test');
      await until(() => {
        void a.sync.announce(['telegram.enabled']);
        return !b.runtime.channelEnabled('telegram');
      });
      expect(b.runtime.channelEnabled('telegram')).toBe(false);

      await store.put('security.controlIpDeny', ['203.0.113.0/24'], 'test');
      await a.sync.announce(['security.controlIpDeny']);
      await until(() => b.ip.check('control', '203.0.113.5').allowed === false);
      expect(b.ip.check('control', '203.0.113.5').reason).toBe('ip_denied');
    } finally {
      a.sync.onApplicationShutdown();
      b.sync.onApplicationShutdown();
    }
  });
});
