import type { ChannelAdapter, ChatTarget, OutboundMessage } from '@switchboard/core';

/** For specs: a channel that keeps what the bot shows, one text per message (edits replace it). */
export function recordingChannel(id: string): { channel: ChannelAdapter; sent: string[] } {
  const sent: string[] = [];
  const channel: ChannelAdapter = {
    id,
    accountId: 'default',
    capabilities: { edit: true, typing: false, threads: false, reactions: false, files: false, images: false, voice: false, maxTextLength: 4096 },
    start: async () => undefined,
    stop: async () => undefined,
    async send(_target: ChatTarget, message: OutboundMessage) {
      sent.push(message.text ?? '');
      return { platformMessageId: String(sent.length - 1) };
    },
    async edit(_target: ChatTarget, id: string, text: string) {
      sent[Number(id)] = text;
    },
    sendTyping: async () => undefined,
    healthProbe: async () => ({}),
  };
  return { channel, sent };
}
