import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';

/** The value of one stored override (see SettingsSync), already checked by its SettingRule. */
export type SettingOverrides = ReadonlyMap<string, unknown>;

type Listener = (settings: RuntimeSettings) => void;

/**
 * The settings in force: the configuration with the operators' stored overrides on top. IP rules,
 * command permissions, DM policies and channel switches read them here, and rebuild what they
 * derive from them when `onChange` tells them (SettingsSync loads the overrides at start and
 * again whenever this or another replica changes one).
 */
@Injectable()
export class RuntimeSettings {
  private readonly logger = new Logger('Settings');
  private readonly listeners: Listener[] = [];
  private effective: SwitchboardConfig;
  private currentOverrides: SettingOverrides = new Map();

  constructor(@InjectConfig() private readonly base: SwitchboardConfig) {
    this.effective = base;
  }

  /** The configuration with the overrides applied (`security.*`, `<platform>.dmPolicy`). */
  get config(): SwitchboardConfig {
    return this.effective;
  }

  /** The configuration as loaded at start, without overrides: what "reset" returns to. */
  get configured(): SwitchboardConfig {
    return this.base;
  }

  get overrides(): SettingOverrides {
    return this.currentOverrides;
  }

  /** Whether the channel receives: true unless an operator switched it off. */
  channelEnabled(platform: string): boolean {
    return this.currentOverrides.get(`${platform}.enabled`) !== false;
  }

  /** Calls `listener` after every change of the overrides. */
  onChange(listener: Listener): void {
    this.listeners.push(listener);
  }

  /** Puts a new set of overrides in force (replacing the previous set) and tells the listeners. */
  apply(overrides: SettingOverrides): void {
    let next = this.base;
    for (const [key, value] of overrides) {
      const [section, name] = key.split('.') as [keyof SwitchboardConfig, string];
      if (name === 'enabled') continue;
      next = { ...next, [section]: { ...(next[section] as object), [name]: value } };
    }
    this.effective = next;
    this.currentOverrides = new Map(overrides);
    for (const listener of this.listeners) {
      try {
        listener(this);
      } catch (error) {
        // One part that cannot take the change must not keep it from the others.
        this.logger.error(`applying the settings failed: ${error instanceof Error ? error.message : String(error)}`);
      }
    }
  }
}
