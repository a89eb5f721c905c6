import { Logger } from '@nestjs/common';
import { ChannelAdapter, ChatTarget, ErrorCode, isDomainError } from '@switchboard/core';

export interface ReplyStreamerOptions {
  /** Shortest time between two edits of the draft. */
  intervalMs: number;
  /** A draft already on the platform from an earlier attempt: edit it instead of sending. */
  existingDraftId?: string;
  replyToMessageId?: string;
  /** Called (and awaited) as soon as the platform accepted the draft, before more is streamed. */
  onDraft: (platformMessageId: string) => Promise<void>;
}

const CURSOR = ' ▍';

/**
 * Streams a reply into one message that is edited in place as text arrives: the first text is
 * sent at once, later text at most every `intervalMs`. Channels that cannot edit get nothing until
 * the reply is complete. Failed edits are skipped (delivery puts the final text in place).
 */
export class ReplyStreamer {
  private readonly logger = new Logger('ReplyStreamer');
  private text = '';
  private shown = '';
  private draftId: string | undefined;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private notBefore = 0;
  private finished = false;

  constructor(
    private readonly channel: ChannelAdapter,
    private readonly target: ChatTarget,
    private readonly options: ReplyStreamerOptions,
  ) {
    this.draftId = options.existingDraftId;
  }

  get streaming(): boolean {
    return this.channel.capabilities.edit;
  }

  push(delta: string): void {
    this.text += delta;
    if (!this.streaming || this.finished || this.timer || !this.text.trim()) return;
    const first = this.draftId === undefined && this.shown === '';
    const wait = first ? 0 : Math.max(this.options.intervalMs, this.notBefore - Date.now());
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.flushing = this.flushing.then(() => this.flush());
    }, wait);
  }

  /** Stops streaming; resolves with the draft's platform id (if one was sent) once edits settled. */
  async finish(): Promise<string | undefined> {
    this.finished = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    return this.draftId;
  }

  private async flush(): Promise<void> {
    if (this.finished) return;
    const limit = this.channel.capabilities.maxTextLength - CURSOR.length;
    const preview = (this.text.length > limit ? this.text.slice(0, limit - 1) + '…' : this.text) + CURSOR;
    if (preview === this.shown) return;
    try {
      if (this.draftId === undefined) {
        const sent = await this.channel.send(this.target, { text: preview, replyToMessageId: this.options.replyToMessageId });
        this.draftId = sent.platformMessageId;
        await this.options.onDraft(sent.platformMessageId);
      } else {
        await this.channel.edit(this.target, this.draftId, preview);
      }
      this.shown = preview;
    } catch (error) {
      if (isDomainError(error) && error.code === ErrorCode.RATE_LIMITED) {
        this.notBefore = Date.now() + (error.retryAfterMs ?? this.options.intervalMs);
      }
      this.logger.warn(`draft update skipped on ${this.channel.id}: ${error instanceof Error ? error.message : error}`);
    }
  }
}

// A reply ready sooner needs no typing indicator, which saves a platform call per quick reply.
const TYPING_DELAY_MS = 300;
// Platforms show the indicator for about 5 s.
const TYPING_REPEAT_MS = 4_000;

/** Shows "typing…" from 300 ms on, renewed every 4 s, until the returned function is called. */
export function keepTyping(channel: ChannelAdapter, target: ChatTarget): () => void {
  if (!channel.capabilities.typing) return () => undefined;
  const send = () => void channel.sendTyping(target).catch(() => undefined);
  let repeat: NodeJS.Timeout | undefined;
  const first = setTimeout(() => {
    send();
    repeat = setInterval(send, TYPING_REPEAT_MS);
  }, TYPING_DELAY_MS);
  return () => {
    clearTimeout(first);
    clearInterval(repeat);
  };
}
