import { Logger } from '@nestjs/common';
import type * as lark from '@larksuiteoapi/node-sdk';
import { DomainError, ErrorCode, type ChatTarget, type OutboundAttachment, type OutboundMessage, type SentMessage } from '@switchboard/core';
import { outboundAttachmentBytes } from '../outbound-attachment';
import { callFeishu, type TokenCache } from './feishu.api';
import type { FeishuCards } from './feishu.cards';
import { isEditLimitReached } from './feishu.errors';

// Edit counts and replacements are kept for this many messages (the most recent ones).
const TRACKED_MESSAGES = 2_000;

type SentAnswer = { code?: number; msg?: string; data?: { message_id?: string } };

/**
 * Sends and edits the bot's messages. A reply to a message quotes it, in its thread when it is
 * in one (`reply_in_thread`). Feishu takes at most `maxEdits` edits of a message: the edit past
 * them (counted here, or refused by Feishu with 230072 when the count was lost, e.g. after a
 * restart) sends the text as a new message, recalls the old one and edits the new one from then on.
 */
export class FeishuReplies {
  private readonly logger = new Logger('FeishuReplies');
  private readonly edits = new Map<string, number>();
  private readonly replacedBy = new Map<string, string>();

  constructor(
    private readonly client: lark.Client,
    private readonly tokens: TokenCache,
    private readonly maxEdits: number,
    /** Set when replies are CardKit cards (FEISHU_STREAMING=cardkit) rather than text messages. */
    private readonly cards?: FeishuCards,
  ) {}

  async send(target: ChatTarget, message: OutboundMessage): Promise<SentMessage> {
    const sent: string[] = [];
    // The quoted message (or the thread's root) goes with the first message only.
    const anchor = () => (sent.length === 0 ? (message.replyToMessageId ?? target.threadId) : target.threadId);
    const attachments = message.attachments ?? [];
    if (message.text !== '' || attachments.length === 0) {
      sent.push(await this.postText(target, anchor(), message.text));
    }
    for (const attachment of attachments) {
      const content = attachment.kind === 'image' ? { image_key: await this.uploadImage(attachment) } : { file_key: await this.uploadFile(attachment) };
      sent.push(await this.post(target, anchor(), attachment.kind === 'image' ? 'image' : 'file', JSON.stringify(content)));
      if (attachment.caption) sent.push(await this.post(target, target.threadId, 'text', JSON.stringify({ text: attachment.caption })));
    }
    return { platformMessageId: sent[0] };
  }

  async edit(target: ChatTarget, platformMessageId: string, text: string): Promise<void> {
    const messageId = this.replacedBy.get(platformMessageId) ?? platformMessageId;
    if (this.cards) {
      // A card this process did not send (a restart since) cannot be updated: its id is unknown.
      return this.cards.knows(messageId) ? this.cards.update(messageId, text) : this.replace(target, platformMessageId, messageId, text);
    }
    const used = this.edits.get(messageId) ?? 0;
    if (used >= this.maxEdits) return this.replace(target, platformMessageId, messageId, text);
    try {
      await callFeishu('im.message.update', this.tokens, () =>
        this.client.im.message.update({ path: { message_id: messageId }, data: { msg_type: 'text', content: JSON.stringify({ text }) } }),
      );
      this.remember(this.edits, messageId, used + 1);
    } catch (error) {
      if (!isEditLimitReached(error)) throw error;
      await this.replace(target, platformMessageId, messageId, text);
    }
  }

  /** The final send after the edit budget: the text as a new message in the same place, the old one recalled. */
  private async replace(target: ChatTarget, original: string, current: string, text: string): Promise<void> {
    const next = await this.postText(target, target.threadId, text);
    this.remember(this.replacedBy, original, next);
    this.edits.delete(current);
    await callFeishu('im.message.delete', this.tokens, () => this.client.im.message.delete({ path: { message_id: current } })).catch((error: unknown) =>
      this.logger.warn(`could not recall the draft ${current} replaced by ${next}: ${error instanceof Error ? error.message : String(error)}`),
    );
  }

  /** Text as a text message, or as a card when replies are cards. */
  private async postText(target: ChatTarget, replyTo: string | undefined, text: string): Promise<string> {
    if (!this.cards) return this.post(target, replyTo, 'text', JSON.stringify({ text }));
    const card = await this.cards.create(text);
    const messageId = await this.post(target, replyTo, 'interactive', card.content);
    this.cards.track(messageId, card.cardId);
    return messageId;
  }

  /** A message to the chat, or a reply to `replyTo` (in its thread when the target is a thread). */
  private async post(target: ChatTarget, replyTo: string | undefined, msgType: string, content: string): Promise<string> {
    const answer: SentAnswer | null = replyTo
      ? await callFeishu('im.message.reply', this.tokens, () =>
          this.client.im.message.reply({
            path: { message_id: replyTo },
            data: { msg_type: msgType, content, reply_in_thread: target.threadId !== undefined },
          }),
        )
      : await callFeishu('im.message.create', this.tokens, () =>
          this.client.im.message.create({ params: { receive_id_type: 'chat_id' }, data: { receive_id: target.chatId, msg_type: msgType, content } }),
        );
    const id = answer?.data?.message_id;
    if (!id) throw new DomainError(ErrorCode.TEMPORARY, `Feishu ${replyTo ? 'im.message.reply' : 'im.message.create'} answered without a message_id`);
    return id;
  }

  private async uploadImage(attachment: OutboundAttachment): Promise<string> {
    const image = await outboundAttachmentBytes(attachment);
    const answer = await callFeishu('im.image.create', this.tokens, async () => {
      const result = await this.client.im.image.create({ data: { image_type: 'message', image } });
      return result ? { code: 0, ...result } : null;
    });
    if (!answer?.image_key) throw new DomainError(ErrorCode.TEMPORARY, 'Feishu im.image.create answered without an image_key');
    return answer.image_key;
  }

  private async uploadFile(attachment: OutboundAttachment): Promise<string> {
    const file = await outboundAttachmentBytes(attachment);
    const answer = await callFeishu('im.file.create', this.tokens, async () => {
      const result = await this.client.im.file.create({ data: { file_type: 'stream', file_name: attachment.fileName, file } });
      return result ? { code: 0, ...result } : null;
    });
    if (!answer?.file_key) throw new DomainError(ErrorCode.TEMPORARY, 'Feishu im.file.create answered without a file_key');
    return answer.file_key;
  }

  private remember<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key);
    map.set(key, value);
    if (map.size > TRACKED_MESSAGES) map.delete(map.keys().next().value as string);
  }
}
