import type { SwitchboardConfig } from '@switchboard/config';
import type { ChannelAdapter } from '@switchboard/core';

/**
 * Builds a platform's adapter when the configuration turns that platform on, else undefined. The
 * adapter's module (and the platform SDK) is loaded only then, so a gateway keeps in memory only
 * the SDKs of the platforms it serves.
 */
export type ChannelFactory = (config: SwitchboardConfig) => Promise<ChannelAdapter> | undefined;

const telegram: ChannelFactory = ({ telegram: t }) => {
  const botToken = t.botToken;
  if (!botToken) return undefined;
  return import('./telegram/telegram.adapter.js').then(
    ({ TelegramAdapter }) =>
      new TelegramAdapter({ botToken, mode: t.mode, webhookSecret: t.webhookSecret, webhookUrl: t.webhookUrl, apiRoot: t.apiRoot }),
  );
};

/** Every platform Switchboard supports. Adding one = its folder + one entry here. */
const CHANNEL_FACTORIES: readonly ChannelFactory[] = [telegram];

/** The adapters of the platforms the configuration turns on. */
export function createChannelAdapters(config: SwitchboardConfig): Promise<ChannelAdapter[]> {
  const configured = CHANNEL_FACTORIES.map((create) => create(config)).filter((adapter) => adapter !== undefined);
  return Promise.all(configured);
}
