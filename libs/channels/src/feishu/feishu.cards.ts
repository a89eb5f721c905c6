import { Logger } from '@nestjs/common';
import type * as lark from '@larksuiteoapi/node-sdk';
import { DomainError, ErrorCode } from '@switchboard/core';
import { callFeishu, type TokenCache } from './feishu.api';

const ELEMENT_ID = 'answer';
// Streaming mode (the typing effect and "generating" state) ends this long after the last update.
const CLOSE_AFTER_MS = 3_000;
const TRACKED_CARDS = 2_000;

type CardState = { cardId: string; sequence: number; streaming: boolean; closing?: NodeJS.Timeout };
type Answer = { code?: number; msg?: string; data?: { card_id?: string } };

/**
 * Replies as CardKit cards (FEISHU_STREAMING=cardkit): a card entity in streaming mode whose
 * markdown element gets the full text at each update (Feishu types out what was added), with no
 * cap on updates; streaming mode is switched off once updates stop. Every call carries the
 * card's next sequence number, as CardKit requires.
 */
export class FeishuCards {
  private readonly logger = new Logger('FeishuCards');
  private readonly byMessage = new Map<string, CardState>();

  constructor(
    private readonly client: lark.Client,
    private readonly tokens: TokenCache,
  ) {}

  /** A new card entity showing `text`, to be sent as an `interactive` message; its content. */
  async create(text: string): Promise<{ cardId: string; content: string }> {
    const card = {
      schema: '2.0',
      config: { streaming_mode: true, summary: { content: '' } },
      body: { elements: [{ tag: 'markdown', element_id: ELEMENT_ID, content: text }] },
    };
    const answer = await callFeishu('cardkit.card.create', this.tokens, () =>
      this.client.request<Answer>({ method: 'POST', url: '/open-apis/cardkit/v1/cards', data: { type: 'card_json', data: JSON.stringify(card) } }),
    );
    const cardId = answer?.data?.card_id;
    if (!cardId) throw new DomainError(ErrorCode.TEMPORARY, 'Feishu cardkit.card.create answered without a card_id');
    return { cardId, content: JSON.stringify({ type: 'card', data: { card_id: cardId } }) };
  }

  /** The message carrying a card: later edits of it update the card. */
  track(messageId: string, cardId: string): void {
    this.byMessage.delete(messageId);
    this.byMessage.set(messageId, { cardId, sequence: 0, streaming: true });
    if (this.byMessage.size > TRACKED_CARDS) this.byMessage.delete(this.byMessage.keys().next().value as string);
    this.closeLater(messageId);
  }

  knows(messageId: string): boolean {
    return this.byMessage.has(messageId);
  }

  async update(messageId: string, text: string): Promise<void> {
    const state = this.byMessage.get(messageId);
    if (!state) throw new DomainError(ErrorCode.PERMANENT, `Feishu card of message ${messageId} is not known here`);
    clearTimeout(state.closing);
    // Text streams only in streaming mode: a late edit (a retried delivery) opens it again.
    if (!state.streaming) await this.setStreaming(state, true);
    const sequence = ++state.sequence;
    await callFeishu('cardkit.card.element.content', this.tokens, () =>
      this.client.request<Answer>({
        method: 'PUT',
        url: `/open-apis/cardkit/v1/cards/${state.cardId}/elements/${ELEMENT_ID}/content`,
        data: { content: text, sequence },
      }),
    );
    this.closeLater(messageId);
  }

  private closeLater(messageId: string): void {
    const state = this.byMessage.get(messageId);
    if (!state) return;
    clearTimeout(state.closing);
    state.closing = setTimeout(() => {
      this.setStreaming(state, false).catch((error: unknown) =>
        this.logger.warn(`card ${state.cardId} left in streaming mode: ${error instanceof Error ? error.message : String(error)}`),
      );
    }, CLOSE_AFTER_MS);
    state.closing.unref();
  }

  private async setStreaming(state: CardState, streaming: boolean): Promise<void> {
    const sequence = ++state.sequence;
    await callFeishu('cardkit.card.settings', this.tokens, () =>
      this.client.request<Answer>({
        method: 'PATCH',
        url: `/open-apis/cardkit/v1/cards/${state.cardId}/settings`,
        data: { settings: JSON.stringify({ config: { streaming_mode: streaming } }), sequence },
      }),
    );
    state.streaming = streaming;
  }
}
