/**
 * What the channel contract suite needs from one platform in one mode: a fake of the platform's
 * API on 127.0.0.1 (the real SDK in the gateway talks to it) and ways to act as the platform and
 * its users. Every adapter, in every mode, provides one and passes the same suite through the real
 * gateway process. Ids are the platform's own (strings).
 */
export interface ContractUser {
  id: string;
  name: string;
}

export interface ContractChat {
  kind: 'dm' | 'group';
  /** The platform's chat / conversation id. */
  id: string;
}

/** A message a user sends, as the suite describes it; the platform turns it into its own payload. */
export interface ContractMessage {
  from: ContractUser;
  chat: ContractChat;
  text: string;
  /** The bot is @-mentioned (groups). */
  mentionsBot?: boolean;
  attachment?: { fileName: string; mimeType: string; data: Buffer };
}

/** One delivery the platform made (a webhook POST or a frame on the long connection). */
export interface ContractDelivery {
  /** Opaque: give it back to `redeliver`. */
  readonly id: string;
  /** HTTP status the gateway answered (webhook modes); undefined on long connections. */
  readonly status?: number;
}

export type ContractSendFailure =
  /** The platform's rate-limit answer (HTTP 429 / its error code) saying "retry after N s". */
  | { kind: 'rate_limit'; retryAfterSeconds: number }
  /** HTTP 5xx on send. */
  | { kind: 'server_error' };

export interface ContractPlatform {
  /** Shown in test names: "dingtalk (stream)". */
  readonly name: string;
  /** The gateway's platform id. */
  readonly platform: string;
  readonly features: {
    /** Receives over a long connection (reconnect tests apply). */
    longConnection: boolean;
    /** Receives signed webhooks (forged-signature tests apply). */
    signedWebhook: boolean;
    /** The signature carries a timestamp the gateway must refuse when stale. */
    staleTimestamp: boolean;
    groups: boolean;
    attachmentsIn: boolean;
    attachmentsOut: boolean;
    /** Replies stream by editing a message (or by stream frames) rather than arriving whole. */
    streams: boolean;
    /**
     * The rate-limit test applies: the platform's rate-limit answer says how long to wait, or the
     * adapter waits a default of at least the test's 1 s where it says nothing (WeCom's 45009).
     * False skips it (WhatsApp: Meta names no delay and the adapter waits a time per code).
     */
    rateLimitRetryAfter?: boolean;
  };
  /** The longest text one bot message may carry, and in what unit. */
  readonly textLimit: { max: number; unit: 'chars' | 'bytes' };
  /** A user on the allowlist, one who is not, and a group the bot is in. */
  readonly allowed: ContractUser;
  readonly stranger: ContractUser;
  readonly group: ContractChat;
  dmWith(user: ContractUser): ContractChat;

  start(): Promise<void>;
  stop(): Promise<void>;
  /** The gateway environment for this platform and mode, pointing the SDK at the fake. */
  gatewayEnv(): Record<string, string>;
  /** Where the gateway listens (webhook modes post there); called once each gateway has started. */
  attach(gatewayUrl: string): void;
  /** Resolves once the gateway answered the delivery (webhook) or the fake saw it acked (long connection). */
  deliver(message: ContractMessage): Promise<ContractDelivery>;
  /** The identical delivery again (same platform message id, same body). */
  redeliver(delivery: ContractDelivery): Promise<ContractDelivery>;
  /**
   * Runs a gateway command through the platform's own command UI (a Discord slash command, a
   * Slack slash command) rather than as typed text; resolves once the gateway acknowledged it.
   */
  deliverCommand?(from: ContractUser, chat: ContractChat, name: string, args: string): Promise<void>;
  /** The command names the gateway registered as the platform's command menu (none registered yet: empty). */
  commandMenu?(): string[];
  /** A delivery with a wrong signature / token, or a stale timestamp: resolves with the HTTP status. */
  deliverForged?(message: ContractMessage, how: 'signature' | 'stale'): Promise<number>;
  /** What the bot shows in a chat now, oldest first: each message's visible text after its edits. */
  botTexts(chat: ContractChat): string[];
  /** Files the bot sent to a chat. */
  botFiles?(chat: ContractChat): { fileName: string; data: Buffer }[];
  /** The next `times` sends (new messages, not edits) fail this way. */
  failSends(failure: ContractSendFailure, times: number): void;
  /** When each send (new message, not edit) was attempted, ms since epoch, accepted or not. */
  sendAttempts(chat: ContractChat): { at: number; accepted: boolean }[];
  /** Closes the gateway's long connection from the platform side (it must reconnect). */
  dropConnection?(): Promise<void>;
  /** Long connections the gateway has opened so far (reconnects count). */
  connectionsOpened?(): number;
}
