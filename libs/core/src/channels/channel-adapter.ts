import type { CommandMenuEntry } from '../messages/chat-command';
import type { Attachment, ChatTarget, InboundMessage, OutboundMessage, SentMessage } from '../messages/message';
import type { ChatSessionDirectory } from './chat-sessions';
import type { TextUnit } from './text-limit';

export interface ChannelCapabilities {
  /** Sent text can be edited (replies stream by editing one message). */
  edit: boolean;
  typing: boolean;
  threads: boolean;
  reactions: boolean;
  /** Sends files (OutboundMessage.attachments); without it, a send with files is refused. */
  files: boolean;
  images: boolean;
  voice: boolean;
  /** Longest text one message may carry; longer replies are split. */
  maxTextLength: number;
  /** What maxTextLength counts; characters when unset. */
  maxTextUnit?: TextUnit;
  /** Edits the platform allows per message (Feishu: 20); unset when unlimited. Streaming keeps the last one for the final text. */
  maxEditsPerMessage?: number;
}

/**
 * What the inbound pipeline decided about a message (the adapter acks the platform after it).
 * `invalid`: the message can never be stored (malformed); acked and dropped, never retried.
 */
export type InboundOutcome = 'accepted' | 'duplicate' | 'denied' | 'ignored' | 'rate_limited' | 'invalid';

/** The inbound pipeline as an adapter sees it: resolves once the message is durable (or refused). */
export type InboundSink = (message: InboundMessage) => Promise<InboundOutcome>;

/** HTTP methods a webhook can arrive with: POST deliveries, and GET for URL checks (WeCom's echostr). */
export type WebhookMethod = 'GET' | 'POST';

/** An HTTP request to `/webhooks/<platform>[/<account>]`, body kept raw for signature checks. */
export interface WebhookRequest {
  method: WebhookMethod;
  accountId: string;
  headers: Record<string, string | string[] | undefined>;
  rawBody: Buffer;
  query: Record<string, string | undefined>;
}

export interface WebhookResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What an adapter reports, after start() resolved, to whatever runs it. */
export interface ChannelRunEvents {
  /**
   * The long connection ended and the adapter will not open it again itself (the platform closed
   * it, the SDK gave up): the runner stops the adapter and starts it again, with backoff.
   */
  connectionLost(reason: unknown): void;
}

/** An adapter's long connection: the account it serves and what it is (shown in /ready: "polling"). */
export interface LongConnection {
  account: string;
  kind: string;
}

/**
 * One chat platform. Adapters map platform payloads to InboundMessage and back, verify request
 * authenticity, and hold no state shared with other adapters. Vendor errors are thrown as
 * DomainErrors (RATE_LIMITED with retryAfterMs, TEMPORARY, AUTH_FAILED, PERMANENT, INVALID_INPUT).
 */
export interface ChannelAdapter {
  /** Platform id, lower case: "telegram", "slack", ... */
  readonly id: string;
  /**
   * The account (bot, app) of the platform it serves: `default` for the platform's flat keys,
   * else its id under `<platform>.accounts`. It stamps every inbound message with it.
   */
  readonly accountId: string;
  readonly capabilities: ChannelCapabilities;
  /**
   * Set when the adapter receives over one long connection per account (long polling, a socket)
   * that only one replica may hold at a time: the channel lifecycle runs it under the lease
   * `channel:<id>:<account>`. Unset for webhook receivers, which every replica serves.
   */
  readonly longConnection?: LongConnection;
  /**
   * Starts receiving (polling, sockets, or webhook registration) and hands messages to `sink`;
   * rejects if receiving could not begin. A stop() while it is under way leaves the adapter stopped;
   * after stop() (a failed start included) it may be called again. A long-connection adapter
   * whose SDK does not reconnect by itself reports a dropped connection through `events`.
   * `sessions` is for adapters that show a user their sessions on the platform (Slack's App Home).
   */
  start(sink: InboundSink, events?: ChannelRunEvents, sessions?: ChatSessionDirectory): Promise<void>;
  /** Stops receiving; in-flight sink calls finish first. */
  stop(): Promise<void>;
  /** Present on adapters that receive webhooks. */
  handleWebhook?(request: WebhookRequest): Promise<WebhookResponse>;
  /** The methods handleWebhook takes; unset means POST only (other methods are answered 405). */
  readonly webhookMethods?: readonly WebhookMethod[];
  send(target: ChatTarget, message: OutboundMessage): Promise<SentMessage>;
  edit(target: ChatTarget, platformMessageId: string, text: string): Promise<void>;
  sendTyping(target: ChatTarget): Promise<void>;
  /**
   * Present on adapters that can fetch the files of inbound messages: the content of one. Throws
   * INVALID_INPUT when it is larger than the adapter's download limit (before fetching it, when
   * the platform gives the size) and TEMPORARY when the platform cannot be reached.
   */
  downloadAttachment?(attachment: Attachment): Promise<Buffer>;
  /** Cheap check that the platform answers with these credentials (for /ready and doctor). */
  healthProbe(): Promise<Record<string, unknown>>;
  /**
   * Optional: publishes the gateway's slash commands as the platform's command menu (Telegram's
   * setMyCommands), called once at start with every command. Platforms without a menu omit it.
   */
  setCommands?(commands: CommandMenuEntry[]): Promise<void>;
}

/** The account of a platform that its flat configuration keys set up (TELEGRAM_BOT_TOKEN, ...). */
export const DEFAULT_ACCOUNT = 'default';

/** Injection token of the list of configured channel adapters. */
export const CHANNEL_ADAPTERS = Symbol('CHANNEL_ADAPTERS');
