import { createHmac, randomUUID } from 'node:crypto';

/** A Slack file object as events and files.info describe it. */
export interface FakeSlackFile {
  id: string;
  name: string;
  mimetype: string;
  size: number;
  url_private: string;
  url_private_download: string;
}

/** An Events API `event_callback`, as Slack POSTs it or wraps it in a Socket Mode envelope. */
export interface SlackEventCallbackBody {
  token: string;
  team_id: string;
  api_app_id: string;
  event: Record<string, unknown>;
  type: 'event_callback';
  event_id: string;
  event_time: number;
  authorizations: { team_id: string; user_id: string; is_bot: boolean }[];
}

export interface SlackMessageSpec {
  user: string;
  channel: string;
  /** `im` for direct messages, `channel` for public channels. */
  channelType: 'im' | 'channel' | 'group' | 'mpim';
  /** Slack markup as typed (`<@U0BOT> hello`). */
  text: string;
  threadTs?: string;
  files?: FakeSlackFile[];
  /** `message` (the default) or `app_mention`. */
  type?: 'message' | 'app_mention';
}

/**
 * Builds event callbacks shaped like Slack's (api.slack.com/events/message.im, app_mention): a
 * fresh `ts` and `event_id` each, the team and app of the fake.
 */
export class SlackEventBuilder {
  private lastTs = 0;

  constructor(private readonly ids: { teamId: string; appId: string; botUserId: string }) {}

  /** A `ts` as Slack writes them: seconds with six decimals, increasing. */
  nextTs(): string {
    this.lastTs = Math.max(Date.now() * 1000, this.lastTs + 1);
    return (this.lastTs / 1_000_000).toFixed(6);
  }

  /** A user opening the app's Home (or Messages) tab; `channel` is their DM with the app. */
  appHomeOpened(spec: { user: string; channel: string; tab?: 'home' | 'messages' }): SlackEventCallbackBody {
    const ts = this.nextTs();
    return this.callback({ type: 'app_home_opened', user: spec.user, channel: spec.channel, tab: spec.tab ?? 'home', event_ts: ts });
  }

  message(spec: SlackMessageSpec): SlackEventCallbackBody {
    const ts = this.nextTs();
    const type = spec.type ?? 'message';
    const event: Record<string, unknown> = {
      type,
      ...(spec.files ? { subtype: 'file_share', files: spec.files } : {}),
      user: spec.user,
      text: spec.text,
      ts,
      channel: spec.channel,
      event_ts: ts,
      ...(type === 'message' ? { channel_type: spec.channelType } : {}),
      ...(spec.threadTs ? { thread_ts: spec.threadTs } : {}),
      team: this.ids.teamId,
    };
    return this.callback(event);
  }

  private callback(event: Record<string, unknown>): SlackEventCallbackBody {
    return {
      token: 'legacy-verification-token',
      team_id: this.ids.teamId,
      api_app_id: this.ids.appId,
      event,
      type: 'event_callback',
      event_id: `Ev${randomUUID().replace(/-/g, '').slice(0, 10).toUpperCase()}`,
      event_time: Math.floor(Date.now() / 1000),
      authorizations: [{ team_id: this.ids.teamId, user_id: this.ids.botUserId, is_bot: true }],
    };
  }
}

/** A POST to the Request URL: the body and Slack's signing headers (v0, api.slack.com/authentication/verifying-requests-from-slack). */
export interface SlackSignedRequest {
  body: string;
  headers: Record<string, string>;
}

export function signedSlackRequest(
  body: string,
  signingSecret: string,
  options: { timestampS?: number; retryNum?: number; contentType?: string } = {},
): SlackSignedRequest {
  const timestamp = String(options.timestampS ?? Math.floor(Date.now() / 1000));
  const signature = `v0=${createHmac('sha256', signingSecret).update(`v0:${timestamp}:${body}`).digest('hex')}`;
  const headers: Record<string, string> = {
    'content-type': options.contentType ?? 'application/json',
    'x-slack-request-timestamp': timestamp,
    'x-slack-signature': signature,
  };
  if (options.retryNum !== undefined) {
    headers['x-slack-retry-num'] = String(options.retryNum);
    headers['x-slack-retry-reason'] = 'http_timeout';
  }
  return { body, headers };
}
