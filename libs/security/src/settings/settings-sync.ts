import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit, Optional } from '@nestjs/common';
import type { ReplicaBus } from '@switchboard/core';
import { SecuritySettingRepository } from '@switchboard/persistence';
import { RuntimeSettings } from './runtime-settings';
import { SETTINGS_BUS, SETTINGS_CHANGED } from './settings-bus';
import { settingRule } from './setting-rules';

// A replica that missed an event (Redis was away) catches up within this time.
const RESYNC_MS = 60_000;

/**
 * Keeps RuntimeSettings in step with the overrides stored in the database: loads them at start,
 * again when another replica announces a change on the settings bus, and every minute in case an
 * announcement was lost. A change made here is applied here first, then announced.
 */
@Injectable()
export class SettingsSync implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('Settings');
  private loading: Promise<void> = Promise.resolve();
  private resync: NodeJS.Timeout | undefined;

  constructor(
    private readonly stored: SecuritySettingRepository,
    private readonly runtime: RuntimeSettings,
    @Optional() @Inject(SETTINGS_BUS) private readonly bus: ReplicaBus | null,
  ) {}

  async onModuleInit(): Promise<void> {
    await this.reload();
    this.bus?.subscribe((event) => {
      if (event === SETTINGS_CHANGED) this.reloadInBackground('a change announced by another replica');
    });
    this.resync = setInterval(() => this.reloadInBackground('the periodic check'), RESYNC_MS);
    this.resync.unref();
  }

  onApplicationShutdown(): void {
    clearInterval(this.resync);
  }

  /** Reads the stored overrides and puts them in force. Calls run one after the other, so the last read wins. */
  reload(): Promise<void> {
    const next = this.loading.then(() => this.load());
    this.loading = next.catch(() => undefined);
    return next;
  }

  /** After a change committed to the database: puts it in force here, then tells the other replicas. */
  async announce(keys: string[]): Promise<void> {
    await this.reload();
    this.bus?.publish(SETTINGS_CHANGED, JSON.stringify({ keys }));
  }

  private reloadInBackground(why: string): void {
    this.reload().catch((error: unknown) => this.logger.warn(`settings not reloaded after ${why}: ${error instanceof Error ? error.message : String(error)}`));
  }

  private async load(): Promise<void> {
    const overrides = new Map<string, unknown>();
    for (const setting of await this.stored.list()) {
      const checked = settingRule(setting.key)?.check(setting.value);
      // Written by another version, or for a platform no longer configured: the configuration applies.
      if (!checked?.ok) {
        this.logger.warn(`ignored the stored setting ${setting.key}: ${checked ? checked.problems.join('; ') : 'not a setting of this gateway'}`);
        continue;
      }
      overrides.set(setting.key, checked.value);
    }
    if (same(overrides, this.runtime.overrides)) return;
    this.runtime.apply(overrides);
    this.logger.log(overrides.size ? `settings changed by operators in force: ${[...overrides.keys()].join(', ')}` : 'the configuration\'s settings in force (no operator changes)');
  }
}

function same(a: ReadonlyMap<string, unknown>, b: ReadonlyMap<string, unknown>): boolean {
  return a.size === b.size && [...a].every(([key, value]) => b.has(key) && JSON.stringify(b.get(key)) === JSON.stringify(value));
}
