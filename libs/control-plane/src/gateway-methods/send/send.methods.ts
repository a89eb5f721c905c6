import { Injectable } from '@nestjs/common';
import { chunkText } from '@switchboard/agent';
import { ChannelAdapter, ChannelRegistry } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { CoreMethodParams } from '../../ws/protocol/method-params.schema';
import { ControlPlaneServer } from '../../ws/server/control-plane.server';
import { invalid } from '../chat/chat-request';
import { MethodGroup } from '../method-group';

const DEFAULT_ACCOUNT = 'default';

/**
 * `send`: a message to a chat on a platform (`to` is the platform's chat id), split at the
 * platform's length limit. Sent at once rather than queued, so the caller learns the message ids
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
      handler: async ({ to, message, channel, accountId = DEFAULT_ACCOUNT, idempotencyKey }) => {
        if (!message.trim()) throw invalid('message is empty');
        const adapter = this.channelFor(channel);
        // One account per platform for now.
        if (accountId !== DEFAULT_ACCOUNT) throw invalid(`${adapter.id} has no account ${accountId}`);
        const target = { platform: adapter.id, accountId, chatId: to };
        const messageIds: string[] = [];
        for (const text of chunkText(message, adapter.capabilities.maxTextLength)) {
          messageIds.push((await adapter.send(target, { text })).platformMessageId);
          this.metrics.messagesOut.inc({ platform: adapter.id });
        }
        return { runId: idempotencyKey, channel: adapter.id, to, messageId: messageIds[0], messageIds };
      },
    });
  }

  // Without `channel`, the only configured one.
  private channelFor(channel: string | undefined): ChannelAdapter {
    if (channel !== undefined) {
      const adapter = this.channels.find(channel);
      if (!adapter) throw invalid(`no channel ${channel} is configured`);
      return adapter;
    }
    const all = this.channels.all();
    if (all.length === 1) return all[0];
    throw invalid(all.length ? `channel is required: one of ${all.map((adapter) => adapter.id).join(', ')}` : 'no channel is configured');
  }
}
