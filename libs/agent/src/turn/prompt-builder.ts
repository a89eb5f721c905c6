import type { HistoryEntry, SessionRecord, StoredInbound } from '@switchboard/persistence';
import type { LlmMessage } from '@switchboard/providers';

/**
 * The messages sent to the model: the system prompt with what the agent should know about the
 * chat, the recent history, and the message being answered. In groups every user line is
 * prefixed with its sender so the model can tell people apart.
 */
export function buildPrompt(systemPrompt: string, session: SessionRecord, history: HistoryEntry[], inbound: StoredInbound): LlmMessage[] {
  const group = session.chatType !== 'dm';
  const where = group ? `a ${session.chatType} chat on ${session.platform}` : `a direct chat on ${session.platform}`;
  const system = `${systemPrompt}\n\nYou are talking in ${where}.`;
  const userLine = (text: string, sender: string | null) => (group && sender ? `${sender}: ${text}` : text);
  return [
    { role: 'system', content: system },
    ...history.map((entry): LlmMessage =>
      entry.role === 'user' ? { role: 'user', content: userLine(entry.text, entry.senderName) } : { role: 'assistant', content: entry.text },
    ),
    { role: 'user', content: userLine(withAttachments(inbound), inbound.senderName) },
  ];
}

function withAttachments(inbound: StoredInbound): string {
  if (!inbound.attachments.length) return inbound.text;
  const notes = inbound.attachments.map((a) => `[${a.kind} attached${a.fileName ? `: ${a.fileName}` : ''}]`);
  return [inbound.text, ...notes].filter(Boolean).join('\n');
}
