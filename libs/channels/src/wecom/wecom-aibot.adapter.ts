import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  isDomainError,
  type ChannelAdapter,
  type ChannelCapabilities,
  type ChannelRunEvents,
  type ChatTarget,
  type InboundMessage,
  type InboundSink,
  type LongConnection,
  type OutboundMessage,
  type SentMessage,
} from '@switchboard/core';
import { WSClient, type WsFrame } from '@wecom/aibot-node-sdk';
import { Backoff } from '../backoff';
import { sendTextThenFiles } from '../outbound-attachment';
import { wecomError } from './wecom.errors';
import { mapAibotMessage, type AibotMessageBody } from './wecom.mapper';
import { aibotUpload, type AibotUpload } from './wecom.media';

/** The `wecom` config section in aibot mode, as far as the adapter needs it. */
export interface WecomAibotAdapterOptions {
  botId: string;
  botSecret: string;
  /** Defaults to wss://openws.work.weixin.qq.com. */
  wsUrl?: string;
  /** Defaults to `default`. */
  accountId?: string;
  /** A stream not updated for this long is finished (WeCom stops showing it as in progress). */
  streamIdleFinishMs?: number;
}

/** WeCom takes at most 20,480 bytes in one stream frame (and one pushed markdown message). */
export const AIBOT_STREAM_MAX_BYTES = 20_480;
const DEFAULT_STREAM_IDLE_FINISH_MS = 5_000;
// Messages are kept for replies this long after they arrived; later replies are pushed instead.
const REPLY_WINDOW_MS = 60 * 60_000;
const MAX_REMEMBERED = 10_000;
const SINK_RETRY_FIRST_MS = 500;
const SINK_RETRY_MAX_MS = 30_000;

type Frame = Pick<WsFrame, 'headers'>;

/** The reply stream of one message: the message's frame (its req_id) and what the stream shows. */
interface Stream {
  frame: Frame;
  text: string;
  /** Taken by the first reply sent to the message; later replies are pushed as new messages. */
  used: boolean;
  finished: boolean;
  idle?: NodeJS.Timeout;
}

/**
 * A WeCom AI bot over its long connection (`@wecom/aibot-node-sdk`): messages arrive as
 * `aibot_msg_callback` frames; the first reply to a message opens its reply stream, which then
 * gets the full text in every frame and is finished once no update came for a few seconds. Text
 * with no message to answer is pushed (`aibot_send_msg`, markdown); files are uploaded over the
 * connection and pushed as image or file messages.
 * The connection is one per bot: it runs under the channel lease, and replies go out only from
 * the replica holding it.
 */
export class WecomAibotAdapter implements ChannelAdapter {
  readonly id = 'wecom';
  readonly capabilities: ChannelCapabilities = {
    edit: true,
    typing: false,
    threads: false,
    reactions: false,
    files: true,
    images: false,
    voice: false,
    maxTextLength: AIBOT_STREAM_MAX_BYTES,
    maxTextUnit: 'bytes',
  };
  readonly longConnection: LongConnection;

  private readonly logger = new Logger(WecomAibotAdapter.name);
  readonly accountId: string;
  private readonly idleFinishMs: number;
  private client: WSClient | undefined;
  private sink: InboundSink | undefined;
  private connected = false;
  private failure: string | undefined;
  /** Reply streams by the platform id of the message they answer, then by stream id. */
  private readonly byMessage = new Map<string, { streamId: string; at: number }>();
  private readonly streams = new Map<string, Stream>();
  private readonly inFlight = new Set<Promise<void>>();
  private stopping = new AbortController();

  constructor(private readonly options: WecomAibotAdapterOptions) {
    this.accountId = options.accountId ?? 'default';
    this.idleFinishMs = options.streamIdleFinishMs ?? DEFAULT_STREAM_IDLE_FINISH_MS;
    this.longConnection = { account: this.accountId, kind: 'long connection' };
  }

  /** Resolves once the connection is open and the bot authenticated; rejects when WeCom refuses it. */
  async start(sink: InboundSink, events?: ChannelRunEvents): Promise<void> {
    const stopping = (this.stopping = new AbortController());
    this.failure = undefined;
    const client = new WSClient({
      botId: this.options.botId,
      secret: this.options.botSecret,
      wsUrl: this.options.wsUrl,
      // Reconnecting never gives up while this replica holds the lease; an outage ends some time.
      maxReconnectAttempts: -1,
      logger: sdkLogger(this.logger),
    });
    this.client = client;
    client.on('message', (frame) => this.track(this.receive(frame as WsFrame<AibotMessageBody>)));
    client.on('disconnected', (reason) => {
      this.connected = false;
      this.failure = `disconnected: ${reason}`;
    });
    client.on('error', (error) => {
      // The SDK gave up reconnecting (errors with a code): whoever runs the adapter starts it again.
      if (!('code' in error)) return;
      this.failure = error.message;
      events?.connectionLost(error.message);
    });
    // WeCom closes the connection when another one opens for the bot, and the SDK does not reconnect.
    client.on('event.disconnected_event', () => {
      this.failure = 'WeCom closed the connection: another one was opened for this bot';
      events?.connectionLost(this.failure);
    });
    await new Promise<void>((resolve, reject) => {
      const refused = (error: Error) => {
        if (!this.connected && error.message.startsWith('Authentication failed')) {
          client.off('authenticated', accepted);
          client.disconnect();
          reject(new DomainError(ErrorCode.AUTH_FAILED, `WeCom AI bot ${error.message} (check WECOM_BOT_ID and WECOM_BOT_SECRET)`));
        }
      };
      const accepted = () => {
        client.off('error', refused);
        resolve();
      };
      client.once('authenticated', accepted);
      client.on('error', refused);
      stopping.signal.addEventListener('abort', () => resolve(), { once: true });
      client.connect();
    });
    client.on('authenticated', () => {
      this.connected = true;
      this.failure = undefined;
    });
    if (stopping.signal.aborted) return;
    this.connected = true;
    this.sink = sink;
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    this.sink = undefined;
    await Promise.allSettled([...this.inFlight]);
    // Open streams are finished with what they show, so no message stays "in progress".
    await Promise.allSettled([...this.streams.keys()].map((streamId) => this.finish(streamId)));
    for (const stream of this.streams.values()) clearTimeout(stream.idle);
    this.streams.clear();
    this.byMessage.clear();
    this.client?.removeAllListeners();
    this.client?.disconnect();
    this.client = undefined;
    this.connected = false;
  }

  /**
   * The text, then each file uploaded (`aibot_upload_media_init`, `_chunk`s, `_finish`) and pushed
   * as an image or file message, its caption after it. A file WeCom would refuse (see
   * `aibotUpload`) is refused before anything is sent.
   */
  async send(target: ChatTarget, message: OutboundMessage): Promise<SentMessage> {
    const uploads = await Promise.all((message.attachments ?? []).map(aibotUpload));
    return sendTextThenFiles(message, {
      text: (text) => this.sendText(target, text, message.replyToMessageId),
      file: (_attachment, index) => this.sendFile(target, uploads[index]),
    });
  }

  async edit(target: ChatTarget, platformMessageId: string, text: string): Promise<void> {
    const stream = this.streams.get(platformMessageId);
    // A finished stream (or one this process never opened) cannot change any more: the text goes out anew.
    if (!stream || stream.finished) return this.push(target, text);
    await this.update(platformMessageId, stream, text);
  }

  async sendTyping(): Promise<void> {
    // AI bots have no typing indicator; a streamed reply shows its first words within a second.
  }

  async healthProbe(): Promise<Record<string, unknown>> {
    if (!this.client) {
      // Opening a second connection here would make WeCom close the gateway's.
      return { mode: 'aibot', connection: 'not open in this process (the gateway opens it)' };
    }
    if (!this.connected) throw new DomainError(ErrorCode.TEMPORARY, `WeCom AI bot long connection down (${this.failure ?? 'connecting'})`);
    return { mode: 'aibot', connection: 'open' };
  }

  /** Into the answered message's stream while no other reply took it, else pushed; resolves with the stream's id or a push's. */
  private async sendText(target: ChatTarget, text: string, replyToMessageId: string | undefined): Promise<string> {
    const entry = replyToMessageId ? this.byMessage.get(replyToMessageId) : undefined;
    const stream = entry ? this.streams.get(entry.streamId) : undefined;
    if (entry && stream && !stream.used && !stream.finished) {
      stream.used = true;
      try {
        await this.update(entry.streamId, stream, text);
      } catch (error) {
        // Not opened: the next reply to the message may take the stream.
        clearTimeout(stream.idle);
        stream.used = false;
        throw error;
      }
      return entry.streamId;
    }
    await this.push(target, text);
    return `push:${randomUUID()}`;
  }

  /** Uploads the file as temporary media (kept 3 days by WeCom), then pushes the message that shows it. */
  private async sendFile(target: ChatTarget, upload: AibotUpload): Promise<string> {
    const { media_id: mediaId } = await this.respond('uploadMedia', () => this.requireClient().uploadMedia(upload.data, { type: upload.type, filename: upload.filename }));
    await this.respond('sendMediaMessage', () => this.requireClient().sendMediaMessage(target.chatId, upload.type, mediaId));
    return `push:${randomUUID()}`;
  }

  private track(work: Promise<void>): void {
    this.inFlight.add(work);
    void work.finally(() => this.inFlight.delete(work));
  }

  /**
   * Keeps the message's frame for its replies (a pairing code is sent while it is being stored),
   * then stores it, retrying a failing sink with backoff: WeCom does not deliver it again.
   */
  private async receive(frame: WsFrame<AibotMessageBody>): Promise<void> {
    let message: InboundMessage | null;
    try {
      message = frame.body ? mapAibotMessage(frame.body, this.accountId) : null;
    } catch (error) {
      this.logger.warn(`WeCom AI-bot message dropped, it cannot be read: ${String(error)}`);
      return;
    }
    const sink = this.sink;
    if (!message || !sink) return;
    this.remember(frame, message.platformMessageId);
    const backoff = new Backoff(SINK_RETRY_FIRST_MS, SINK_RETRY_MAX_MS);
    for (;;) {
      try {
        await sink(message);
        return;
      } catch (error) {
        if (this.stopping.signal.aborted) {
          this.logger.error(`WeCom AI-bot message ${message.platformMessageId} was not stored before stopping and is lost: ${String(error)}`);
          return;
        }
        const delay = backoff.next();
        this.logger.warn(`WeCom AI-bot message ${message.platformMessageId} not stored, retrying in ${delay} ms: ${String(error)}`);
        await sleep(delay, undefined, { signal: this.stopping.signal }).catch(() => undefined);
        if (this.stopping.signal.aborted) {
          this.logger.error(`WeCom AI-bot message ${message.platformMessageId} was not stored before stopping and is lost`);
          return;
        }
      }
    }
  }

  /** Keeps the message's frame for its replies; a message delivered again keeps its first stream. */
  private remember(frame: Frame, platformMessageId: string): void {
    if (this.byMessage.has(platformMessageId)) return;
    this.forgetOldMessages();
    const streamId = randomUUID();
    this.streams.set(streamId, { frame: { headers: frame.headers }, text: '', used: false, finished: false });
    this.byMessage.set(platformMessageId, { streamId, at: Date.now() });
  }

  /** Sends the stream's full new text and (re)arms its idle finish. */
  private async update(streamId: string, stream: Stream, text: string): Promise<void> {
    stream.text = text;
    clearTimeout(stream.idle);
    stream.idle = setTimeout(() => void this.finish(streamId).catch((error: unknown) => this.logger.warn(`WeCom AI-bot stream not finished: ${String(error)}`)), this.idleFinishMs);
    await this.respond('replyStream', () => this.requireClient().replyStream(stream.frame, streamId, text, false));
  }

  private async finish(streamId: string): Promise<void> {
    const stream = this.streams.get(streamId);
    if (!stream || stream.finished || !stream.used) return;
    clearTimeout(stream.idle);
    stream.finished = true;
    await this.respond('replyStream', () => this.requireClient().replyStream(stream.frame, streamId, stream.text, true));
  }

  private async push(target: ChatTarget, text: string): Promise<void> {
    await this.respond('sendMessage', () => this.requireClient().sendMessage(target.chatId, { msgtype: 'markdown', markdown: { content: text } }));
  }

  /** Runs one call on the connection; WeCom's error answers and lost connections become DomainErrors. */
  private async respond<T>(call: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (error) {
      if (isDomainError(error)) throw error;
      const answer = error as { errcode?: unknown; errmsg?: unknown };
      if (typeof answer?.errcode === 'number') throw wecomError(call, answer.errcode, String(answer.errmsg ?? ''));
      throw new DomainError(ErrorCode.TEMPORARY, `WeCom AI bot ${call} failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
  }

  private requireClient(): WSClient {
    if (!this.client || !this.connected) throw new DomainError(ErrorCode.TEMPORARY, 'the WeCom AI-bot long connection is not open in this process');
    return this.client;
  }

  /** Messages older than the reply window (or past the most kept) lose their stream: it was finished long ago. */
  private forgetOldMessages(): void {
    const before = Date.now() - REPLY_WINDOW_MS;
    // Insertion order is arrival order: the oldest come first.
    for (const [messageId, entry] of this.byMessage) {
      if (entry.at >= before && this.byMessage.size < MAX_REMEMBERED) break;
      this.byMessage.delete(messageId);
      clearTimeout(this.streams.get(entry.streamId)?.idle);
      this.streams.delete(entry.streamId);
    }
  }
}

/** The SDK's logger on Nest's: its chatty info lines as debug, message bodies only at verbose. */
function sdkLogger(logger: Logger) {
  const line = (message: string, args: unknown[]) => [message, ...args.map(String)].join(' ');
  return {
    debug: (message: string, ...args: unknown[]) => logger.verbose(line(message, args)),
    info: (message: string, ...args: unknown[]) => logger.debug(line(message, args)),
    warn: (message: string, ...args: unknown[]) => logger.warn(line(message, args)),
    error: (message: string, ...args: unknown[]) => logger.error(line(message, args)),
  };
}
