import type { SwitchboardConfig } from '@switchboard/config';
import type { ChannelAdapter } from '@switchboard/core';
import { TelegramAdapter } from './telegram/telegram.adapter';

/** Builds a platform's adapter when the configuration turns that platform on. */
export type ChannelFactory = (config: SwitchboardConfig) => ChannelAdapter | undefined;

const telegram: ChannelFactory = ({ telegram: t }) =>
  t.botToken
    ? new TelegramAdapter({
        botToken: t.botToken,
        mode: t.mode,
        webhookSecret: t.webhookSecret,
        webhookUrl: t.webhookUrl,
        apiRoot: t.apiRoot,
      })
    : undefined;

/** Every platform Switchboard supports. Adding one = its folder + one entry here. */
export const CHANNEL_FACTORIES: readonly ChannelFactory[] = [telegram];
