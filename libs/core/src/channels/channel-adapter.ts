import type { ChatTarget, InboundMessage, OutboundMessage, SentMessage } from '../messages/message';

export interface ChannelCapabilities {
  /** Sent text can be edited (replies stream by editing one message). */
  edit: boolean;
  typing: boolean;
  threads: boolean;
  reactions: boolean;
  files: boolean;
  images: boolean;
  voice: boolean;
  /** Longest text one message may carry; longer replies are split. */
  maxTextLength: number;
}

/** What the inbound pipeline decided about a message (the adapter acks the platform after it). */
export type InboundOutcome = 'accepted' | 'duplicate' | 'denied' | 'ignored' | 'rate_limited';

/** The inbound pipeline as an adapter sees it: resolves once the message is durable (or refused). */
export type InboundSink = (message: InboundMessage) => Promise<InboundOutcome>;

/** An HTTP request to `/webhooks/<platform>[/<account>]`, body kept raw for signature checks. */
export interface WebhookRequest {
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

/**
 * One chat platform. Adapters map platform payloads to InboundMessage and back, verify request
 * authenticity, and hold no state shared with other adapters. Vendor errors are thrown as
 * DomainErrors (RATE_LIMITED with retryAfterMs, TEMPORARY, AUTH_FAILED, PERMANENT, INVALID_INPUT).
 */
export interface ChannelAdapter {
  /** Platform id, lower case: "telegram", "slack", ... */
  readonly id: string;
  readonly capabilities: ChannelCapabilities;
  /** Starts receiving (polling, sockets, or webhook registration) and hands messages to `sink`. */
  start(sink: InboundSink): Promise<void>;
  /** Stops receiving; in-flight sink calls finish first. */
  stop(): Promise<void>;
  /** Present on adapters that receive webhooks. */
  handleWebhook?(request: WebhookRequest): Promise<WebhookResponse>;
  send(target: ChatTarget, message: OutboundMessage): Promise<SentMessage>;
  edit(target: ChatTarget, platformMessageId: string, text: string): Promise<void>;
  sendTyping(target: ChatTarget): Promise<void>;
  /** Cheap check that the platform answers with these credentials (for /ready and doctor). */
  healthProbe(): Promise<Record<string, unknown>>;
}

/** Injection token of the list of configured channel adapters. */
export const CHANNEL_ADAPTERS = Symbol('CHANNEL_ADAPTERS');
