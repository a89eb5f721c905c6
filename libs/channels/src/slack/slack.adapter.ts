import { Logger } from '@nestjs/common';
import type { webApi } from '@slack/bolt';
import {
  DomainError,
  ErrorCode,
  isDomainError,
  type Attachment,
  type ChannelAdapter,
  type ChannelCapabilities,
  type ChannelRunEvents,
  type ChatSessionDirectory,
  type ChatTarget,
  type InboundMessage,
  type InboundSink,
  type LongConnection,
  type OutboundMessage,
  type SentMessage,
  type WebhookRequest,
  type WebhookResponse,
} from '@switchboard/core';
import { checkDownloadSize, downloadWithin, type DownloadLimit } from '../downloads/bounded-download';
import { outboundAttachmentBytes } from '../outbound-attachment';
import { callSlack } from './slack.errors';
import { HOME_SESSIONS, homeOpened, homeView, type SlackHomeOpened } from './slack.home';
import { mapSlackEvent, mapSlackSlashCommand, slackText, type SlackEventCallback, type SlackSlashCommand } from './slack.mapper';
import { webClient } from './slack.sdk';
import { SlackSocket, type SlackEnvelope } from './slack.socket';
import { isRefusal, openSlackDelivery } from './slack.webhook';

/** The `slack` config section, as far as the adapter needs it. */
export interface SlackAdapterOptions {
  botToken: string;
  mode: 'socket' | 'http';
  /** Required in socket mode (xapp-..., connections:write). */
  appToken?: string;
  /** Required in http mode. */
  signingSecret?: string;
  /** Web API base URL; defaults to https://slack.com/api/. */
  apiUrl?: string;
  /** Defaults to `default`. */
  accountId?: string;
  /** Largest inbound file downloaded (SLACK_MAX_DOWNLOAD_BYTES). */
  maxDownloadBytes?: number;
  /** Longest wait for the Socket Mode connection at start (default 10 s); then the runner tries again. */
  connectTimeoutMs?: number;
}

const DEFAULT_API_URL = 'https://slack.com/api/';
const DEFAULT_MAX_DOWNLOAD_BYTES = 10 * 1024 * 1024;

/**
 * Slack, over Socket Mode or the Events API over HTTP, with the official SDK: Bolt's request
 * verification and Web API client, and the SocketModeClient under Bolt's socket receiver. Bolt's
 * App is not used to dispatch events: it acks an Events API delivery before its listeners run,
 * while the gateway acks only once the message is stored (an unacked delivery is sent again), so
 * the adapter maps `message` and `app_mention` events itself and acks after the sink resolved.
 * An `app_home_opened` event is acked at once and answered by publishing the user's Home tab.
 */
export class SlackAdapter implements ChannelAdapter {
  readonly id = 'slack';
  readonly capabilities: ChannelCapabilities = {
    edit: true,
    // Bots have no typing indicator outside assistant threads.
    typing: false,
    threads: true,
    reactions: false,
    files: true,
    images: true,
    voice: false,
    // chat.postMessage keeps the first 40,000 characters of a text.
    maxTextLength: 40_000,
  };
  /** Socket Mode is one connection per app: one replica holds it, under a lease. */
  readonly longConnection: LongConnection | undefined;

  private readonly logger = new Logger(SlackAdapter.name);
  private readonly client: webApi.WebClient;
  readonly accountId: string;
  private readonly downloadLimit: DownloadLimit;
  private botUserId: string | undefined;
  private sink: InboundSink | undefined;
  private sessions: ChatSessionDirectory | undefined;
  private socket: SlackSocket | undefined;
  private stopping = new AbortController();
  /** Events handed to the sink and not yet answered, Home tabs being published: stop() waits for them. */
  private readonly inFlight = new Set<Promise<void>>();

  constructor(private readonly options: SlackAdapterOptions) {
    if (options.mode === 'http' && !options.signingSecret) throw new DomainError(ErrorCode.INVALID_INPUT, 'Slack http mode needs a signingSecret');
    if (options.mode === 'socket' && !options.appToken) throw new DomainError(ErrorCode.INVALID_INPUT, 'Slack socket mode needs an appToken');
    this.accountId = options.accountId ?? 'default';
    this.longConnection = options.mode === 'socket' ? { account: this.accountId, kind: 'socket' } : undefined;
    this.client = webClient(options.botToken, this.apiUrl);
    this.downloadLimit = { maxBytes: options.maxDownloadBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES, what: 'Slack file', setting: 'SLACK_MAX_DOWNLOAD_BYTES' };
  }

  async start(sink: InboundSink, events?: ChannelRunEvents, sessions?: ChatSessionDirectory): Promise<void> {
    // Replaced before the first await, so a stop() while starting is seen by every later step.
    const stopping = (this.stopping = new AbortController());
    const identity = await callSlack('auth.test', () => this.client.auth.test());
    if (stopping.signal.aborted) return;
    if (!identity.user_id) throw new DomainError(ErrorCode.AUTH_FAILED, 'Slack auth.test named no bot user: is SLACK_BOT_TOKEN a bot token (xoxb-)?');
    this.botUserId = identity.user_id;
    this.sink = sink;
    this.sessions = sessions;
    if (this.options.mode !== 'socket') return;
    const socket = new SlackSocket({
      appToken: this.options.appToken ?? '',
      slackApiUrl: this.apiUrl,
      connectTimeoutMs: this.options.connectTimeoutMs ?? 10_000,
      onEnvelope: (envelope) => void this.onEnvelope(envelope),
      onLost: (reason) => {
        if (this.socket === socket && !stopping.signal.aborted) events?.connectionLost(reason);
      },
    });
    this.socket = socket;
    await socket.open();
    if (stopping.signal.aborted) await socket.close();
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    const socket = this.socket;
    this.socket = undefined;
    await socket?.close().catch((error: unknown) => this.logger.warn(`Slack Socket Mode connection did not close cleanly: ${String(error)}`));
    // An event stored after its connection closed is not acked: Slack delivers it again, and it is a duplicate then.
    await Promise.allSettled([...this.inFlight]);
    this.sink = undefined;
    this.sessions = undefined;
  }

  async handleWebhook(request: WebhookRequest): Promise<WebhookResponse> {
    const opened = openSlackDelivery(request, this.options.signingSecret ?? '');
    if (isRefusal(opened)) {
      // The reason names the check that failed, never the secret.
      this.logger.warn(`Slack request refused (${opened.status}): ${opened.reason}`);
      return { status: opened.status, body: { error: opened.reason } };
    }
    if (opened.kind === 'challenge') return { status: 200, body: { challenge: opened.challenge } };
    if (opened.kind === 'other') return { status: 200 };
    const eventId = opened.kind === 'event' ? (opened.callback.event_id ?? 'unknown') : `command ${opened.command.command ?? ''}`;
    // Not started or stopping: a 503 makes Slack deliver the event again (it retries 3 times).
    if (!this.sink) return { status: 503, body: { error: 'not receiving' } };
    try {
      // Slack retries an event not answered with a 2xx within 3 s (X-Slack-Retry-Num); the
      // retry maps to the same platformMessageId, and the pipeline keeps one.
      await this.receive(opened.kind === 'event' ? { callback: opened.callback } : { command: opened.command });
      // An empty 200 shows the user nothing; the answer comes as the bot's message.
      return { status: 200 };
    } catch (error) {
      if (isDomainError(error) && error.retryable) {
        this.logger.warn(`Slack event ${eventId} not stored for now, asking Slack to redeliver: ${error.message}`);
        return { status: 503, body: { error: 'not stored, retry later' } };
      }
      this.logger.error(`Slack event ${eventId} not stored, asking Slack to redeliver: ${String(error)}`);
      return { status: 500, body: { error: 'not stored, retry later' } };
    }
  }

  async send(target: ChatTarget, message: OutboundMessage): Promise<SentMessage> {
    if (message.attachments?.length) return this.sendFiles(target, message);
    const answer = await callSlack('chat.postMessage', () =>
      this.client.chat.postMessage({ channel: target.chatId, text: slackText(message.text), thread_ts: target.threadId }),
    );
    if (!answer.ts) throw new DomainError(ErrorCode.TEMPORARY, 'Slack chat.postMessage answered without a ts');
    return { platformMessageId: answer.ts };
  }

  /**
   * The files and the text in one message: files.uploadV2 asks for an upload URL per file
   * (files.getUploadURLExternal), POSTs the bytes there, then shares them all with the text as
   * their comment (files.completeUploadExternal). Until that last step nothing shows, so a failed
   * send can be sent again whole. Slack answers with the files, not the message that shares them
   * (it is written after the answer): the first file's id stands for the message. Nothing edits
   * a message with files (replies that stream carry none).
   */
  private async sendFiles(target: ChatTarget, message: OutboundMessage): Promise<SentMessage> {
    const attachments = message.attachments ?? [];
    const uploads = await Promise.all(attachments.map(async (attachment) => ({ file: await outboundAttachmentBytes(attachment), filename: attachment.fileName })));
    const answer = await callSlack('files.uploadV2', () =>
      this.client.files.uploadV2({
        channel_id: target.chatId,
        ...(target.threadId ? { thread_ts: target.threadId } : {}),
        ...(message.text ? { initial_comment: slackText(message.text) } : {}),
        file_uploads: uploads,
      }),
    );
    // Typed as a bare WebAPICallResult: its `files` holds each files.completeUploadExternal answer.
    const fileId = (answer as { files?: webApi.FilesCompleteUploadExternalResponse[] }).files?.[0]?.files?.[0]?.id;
    if (!fileId) throw new DomainError(ErrorCode.TEMPORARY, 'Slack files.completeUploadExternal answered without a file id');
    return { platformMessageId: fileId };
  }

  async edit(target: ChatTarget, platformMessageId: string, text: string): Promise<void> {
    await callSlack('chat.update', () => this.client.chat.update({ channel: target.chatId, ts: platformMessageId, text: slackText(text) }));
  }

  async sendTyping(): Promise<void> {
    // capabilities.typing is false: nothing to show.
  }

  /** files.info for the file's private URL and size, then the bytes, fetched with the bot token. */
  async downloadAttachment(attachment: Attachment): Promise<Buffer> {
    checkDownloadSize(attachment.sizeBytes, this.downloadLimit);
    const { file } = await callSlack('files.info', () => this.client.files.info({ file: attachment.platformFileId }));
    checkDownloadSize(file?.size, this.downloadLimit);
    const url = file?.url_private_download ?? file?.url_private;
    if (!url) throw new DomainError(ErrorCode.PERMANENT, `Slack files.info gave no url_private for ${attachment.platformFileId}`);
    return downloadWithin(url, { authorization: `Bearer ${this.options.botToken}` }, this.downloadLimit);
  }

  async healthProbe(): Promise<Record<string, unknown>> {
    if (this.options.mode === 'socket' && this.sink && !this.socket?.connected) {
      throw new DomainError(ErrorCode.TEMPORARY, 'Slack Socket Mode connection closed');
    }
    // A revoked or wrong bot token fails here.
    const identity = await callSlack('auth.test', () => this.client.auth.test());
    return { bot: identity.user, team: identity.team, ...(this.socket ? { connection: this.socket.connected ? 'connected' : 'closed' } : {}) };
  }

  private get apiUrl(): string {
    return this.options.apiUrl ?? DEFAULT_API_URL;
  }

  /** Events and slash commands are acked once stored; other envelopes (interactivity) at once, as nothing handles them. */
  private async onEnvelope(envelope: SlackEnvelope): Promise<void> {
    try {
      if (envelope.type === 'events_api') await this.receive({ callback: envelope.body as SlackEventCallback });
      if (envelope.type === 'slash_commands') await this.receive({ command: envelope.body as SlackSlashCommand });
    } catch (error) {
      // Not acked: Slack sends the envelope again (retry_attempt), on this connection or the next.
      this.logger.warn(`Slack envelope ${envelope.envelopeId} not stored, left for Slack to redeliver: ${String(error)}`);
      return;
    }
    await envelope.ack().catch((error: unknown) => this.logger.warn(`Slack envelope ${envelope.envelopeId} stored but not acked (it comes again as a duplicate): ${String(error)}`));
  }

  private receive(delivery: SlackInbound): Promise<void> {
    const home = 'callback' in delivery ? homeOpened(delivery.callback) : undefined;
    // Nothing to store: acked at once (Slack wants it within 3 s), the tab published meanwhile.
    if (home) {
      void this.track(this.publishHome(home));
      return Promise.resolve();
    }
    return this.track(this.store(delivery));
  }

  private track(work: Promise<void>): Promise<void> {
    this.inFlight.add(work);
    return work.finally(() => this.inFlight.delete(work));
  }

  /** The Home tab with the sessions of the user's DM with the app, drawn anew each time the user opens it. */
  private async publishHome({ user, channel }: SlackHomeOpened): Promise<void> {
    const directory = this.sessions;
    if (!directory) return;
    try {
      const sessions = channel ? await directory.sessionsOf({ platform: this.id, accountId: this.accountId, chatId: channel }, HOME_SESSIONS) : [];
      await callSlack('views.publish', () => this.client.views.publish({ user_id: user, view: homeView(sessions) }));
    } catch (error) {
      this.logger.warn(`Slack Home tab of ${user} not published: ${String(error)}`);
    }
  }

  private async store(delivery: SlackInbound): Promise<void> {
    const sink = this.sink;
    if (!sink) throw new DomainError(ErrorCode.TEMPORARY, 'Slack adapter is not receiving');
    const context = { accountId: this.accountId, botUserId: this.botUserId ?? '' };
    let message: InboundMessage | null;
    try {
      message = 'callback' in delivery ? mapSlackEvent(delivery.callback, context) : mapSlackSlashCommand(delivery.command, context);
    } catch (error) {
      // Authentic but unreadable: acked and dropped, or Slack would deliver it again and again.
      const what = 'callback' in delivery ? `event ${delivery.callback.event_id ?? 'unknown'}` : 'slash command';
      this.logger.warn(`Slack ${what} dropped, it cannot be read: ${String(error)}`);
      return;
    }
    if (message) await sink(message);
  }
}

/** What the adapter stores: an Events API callback or a slash command. */
type SlackInbound = { callback: SlackEventCallback } | { command: SlackSlashCommand };
