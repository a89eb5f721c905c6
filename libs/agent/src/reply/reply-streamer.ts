import { setTimeout as sleep } from 'node:timers/promises';
import { Logger } from '@nestjs/common';
import { ChannelAdapter, ChatTarget, ErrorCode, isDomainError, prefixWithin, textSize } from '@switchboard/core';
import { clearlyNotSent, shownText } from './repeat-marker';

export interface ReplyStreamerOptions {
  /** Shortest time between two edits of the draft. */
  intervalMs: number;
  /** A draft already on the platform from an earlier attempt: edit it instead of sending. */
  existingDraftId?: string;
  /** That draft repeats an earlier one (see REPEAT_MARKER). */
  existingDraftRepeated?: boolean;
  replyToMessageId?: string;
  /**
   * Called (and awaited) right before the draft is sent, to record that its sending starts;
   * resolves whether it repeats an earlier draft whose sending had an unknown outcome.
   */
  beforeSend: () => Promise<{ repeated: boolean }>;
  /** Called when the platform clearly refused the draft (so a later send is no repeat). */
  notSent: () => Promise<void>;
  /** Called (and awaited) as soon as the platform accepted the draft, before more is streamed. */
  onDraft: (platformMessageId: string) => Promise<void>;
}

const CURSOR = ' ▍';

/**
 * Streams a reply into one message that is edited in place as text arrives: the first text is
 * sent at once, later text at most every `intervalMs`. Channels that cannot edit get nothing until
 * the reply is complete. Failed edits are skipped (delivery puts the final text in place).
 * The draft's sending is recorded before it is sent and its platform id right after, so a crash
 * in between leads to a marked repeat, never an unmarked one.
 */
export class ReplyStreamer {
  private readonly logger = new Logger('ReplyStreamer');
  private text = '';
  private shown = '';
  private draftId: string | undefined;
  private repeated: boolean;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> = Promise.resolve();
  private notBefore = 0;
  private finished = false;
  private edits = 0;

  constructor(
    private readonly channel: ChannelAdapter,
    private readonly target: ChatTarget,
    private readonly options: ReplyStreamerOptions,
  ) {
    this.draftId = options.existingDraftId;
    this.repeated = options.existingDraftRepeated ?? false;
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

  /**
   * Stops streaming; resolves with the draft's platform id (if one was sent) once edits settled
   * and any rate limit the platform set meanwhile is over, so the delivery that follows is not
   * refused for it again.
   */
  async finish(): Promise<string | undefined> {
    this.finished = true;
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.flushing;
    const limited = this.notBefore - Date.now();
    if (limited > 0) await sleep(limited);
    return this.draftId;
  }

  private async flush(): Promise<void> {
    if (this.finished) return;
    try {
      if (this.draftId === undefined) {
        this.repeated = (await this.options.beforeSend()).repeated;
        const preview = this.preview();
        const sent = await this.channel.send(this.target, { text: preview, replyToMessageId: this.options.replyToMessageId }).catch(async (error: unknown) => {
          if (clearlyNotSent(error)) await this.options.notSent();
          throw error;
        });
        this.draftId = sent.platformMessageId;
        this.shown = preview;
        await this.options.onDraft(sent.platformMessageId);
      } else {
        const preview = this.preview();
        if (preview === this.shown || !this.mayEditDraft()) return;
        await this.channel.edit(this.target, this.draftId, preview);
        this.edits += 1;
        this.shown = preview;
      }
    } catch (error) {
      if (isDomainError(error) && error.code === ErrorCode.RATE_LIMITED) {
        this.notBefore = Date.now() + (error.retryAfterMs ?? this.options.intervalMs);
      }
      this.logger.warn(`draft update skipped on ${this.channel.id}: ${error instanceof Error ? error.message : error}`);
    }
  }

  /** On platforms that cap edits per message, the last allowed edit is left for the final text. */
  private mayEditDraft(): boolean {
    const max = this.channel.capabilities.maxEditsPerMessage;
    return max === undefined || this.edits < max - 1;
  }

  /** The text so far, within the platform's limit, with the cursor (and the repeat marker if any). */
  private preview(): string {
    const { maxTextLength, maxTextUnit: unit } = this.channel.capabilities;
    const limit = maxTextLength - textSize(CURSOR + shownText('', this.repeated), unit);
    const text = textSize(this.text, unit) > limit ? this.text.slice(0, prefixWithin(this.text, limit - textSize('…', unit), unit)) + '…' : this.text;
    return shownText(text + CURSOR, this.repeated);
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
