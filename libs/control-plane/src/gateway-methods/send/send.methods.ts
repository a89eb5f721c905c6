import { Injectable } from '@nestjs/common';
import { chunkText } from '@switchboard/agent';
import { AttachmentKind, ChannelAdapter, ChannelRegistry, DEFAULT_ACCOUNT, OutboundAttachment, OutboundMessage } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { CoreMethodParams, type SendAttachment } from '../../ws/protocol/method-params.schema';
import { ControlPlaneServer } from '../../ws/server/control-plane.server';
import { invalid } from '../chat/chat-request';
import { MethodGroup } from '../method-group';

/**
 * `send`: a message to a chat on a platform (`to` is the platform's chat id), sent by one account
 * of the platform (`accountId`, `default` when left out), split at the platform's length limit. Sent at once rather than queued, so the caller learns the message ids
 * or the platform's refusal; a repeat with the same idempotency key is answered without sending.
 */
@Injectable()
export class SendMethods implements MethodGroup {
  constructor(
    private readonly channels: ChannelRegistry,
    private readonly metrics: SwitchboardMetrics,
  ) {}

  register(server: ControlPlaneServer): void {
    server.registerMethod('send', {
      scope: 'operator.write',
      schema: CoreMethodParams.send,
      dedupe: true,
      handler: async ({ to, message, channel, accountId = DEFAULT_ACCOUNT, attachments = [], idempotencyKey }) => {
        if (!message.trim() && !attachments.length) throw invalid('message is empty and there is no attachment');
        const adapter = this.channelFor(channel, accountId);
        const target = { platform: adapter.id, accountId, chatId: to };
        const messageIds: string[] = [];
        for (const outbound of outboundMessages(message, attachments.map(outboundAttachment), adapter)) {
          messageIds.push((await adapter.send(target, outbound)).platformMessageId);
          this.metrics.messagesOut.inc({ platform: adapter.id });
        }
        return { runId: idempotencyKey, channel: adapter.id, to, messageId: messageIds[0], messageIds };
      },
    });
  }

  // Without `channel`, the only configured platform.
  private channelFor(channel: string | undefined, accountId: string): ChannelAdapter {
    const platform = channel ?? this.onlyPlatform();
    if (this.channels.accounts(platform).length === 0) throw invalid(`no channel ${platform} is configured`);
    const adapter = this.channels.find(platform, accountId);
    if (!adapter) throw invalid(`${platform} has no account ${accountId}`);
    return adapter;
  }

  private onlyPlatform(): string {
    const platforms = this.channels.platforms();
    if (platforms.length === 1) return platforms[0];
    throw invalid(platforms.length ? `channel is required: one of ${platforms.join(', ')}` : 'no channel is configured');
  }
}

/**
 * The text split at the platform's limit, the files going with the last part; files alone when
 * there is no text. A platform that cannot send files refuses before anything is sent.
 */
function outboundMessages(text: string, attachments: OutboundAttachment[], adapter: ChannelAdapter): OutboundMessage[] {
  if (attachments.length && !adapter.capabilities.files) throw invalid(`${adapter.id} cannot send files`);
  const parts = text.trim() ? chunkText(text, adapter.capabilities.maxTextLength, adapter.capabilities.maxTextUnit) : [''];
  return parts.map((part, index) => (index === parts.length - 1 && attachments.length ? { text: part, attachments } : { text: part }));
}

function outboundAttachment({ fileName, mimeType, content }: SendAttachment): OutboundAttachment {
  return { kind: attachmentKind(mimeType), fileName, mimeType, data: Buffer.from(content, 'base64') };
}

function attachmentKind(mimeType: string | undefined): AttachmentKind {
  if (mimeType?.startsWith('image/')) return 'image';
  if (mimeType?.startsWith('audio/')) return 'audio';
  if (mimeType?.startsWith('video/')) return 'video';
  return 'file';
}
