import type { UserFromGetMe } from 'grammy/types';

/** A token the config schema accepts; its number is the fake bot's user id, as with real tokens. */
export const FAKE_TELEGRAM_TOKEN = '7000000001:AAFakeTokenForSwitchboardTests';

/** The bot the fixtures talk to. */
export const FAKE_TELEGRAM_BOT: UserFromGetMe = {
  id: 7000000001,
  is_bot: true,
  first_name: 'Switchboard',
  username: 'switchboard_test_bot',
  can_join_groups: true,
  can_read_all_group_messages: false,
  supports_inline_queries: false,
  can_connect_to_business: false,
  has_main_web_app: false,
  has_topics_enabled: false,
  allows_users_to_create_topics: false,
  can_manage_bots: false,
  supports_join_request_queries: false,
};

/** A message the bot sent, as the user sees it now. */
export interface FakeBotMessage {
  chatId: string;
  messageId: number;
  threadId?: number;
  /** The message_id of the message it replies to. */
  replyToMessageId?: number;
  kind: 'text' | 'photo' | 'document';
  /** The current text (the caption for photos and documents). */
  text: string;
  /** Every text it had, oldest first, ending with the current one. */
  history: string[];
  fileName?: string;
  file?: Buffer;
}

export interface FakeWebhook {
  url: string;
  secretToken?: string;
  allowedUpdates?: string[];
}
