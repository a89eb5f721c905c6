import type { HistoryEntry, SessionRecord, StoredInbound } from '@switchboard/persistence';
import type { LlmMessage } from '@switchboard/providers';
import { parseCommand } from '@switchboard/core';
import { ANSWERED_BY_MODEL } from '../commands/chat-command';
import { type PromptMedia, attachmentNote } from './prompt-media';

/**
 * The messages sent to the model: the system prompt with what the agent should know about the
 * chat, the recent history, and the message being answered, with a note per attachment and the
 * images of `media` (loaded by loadPromptMedia; without it, each attachment gets its note only).
 * In groups every user line is prefixed with its sender so the model can tell people apart.
 */
export function buildPrompt(
  systemPrompt: string,
  session: SessionRecord,
  history: HistoryEntry[],
  inbound: StoredInbound,
  media?: PromptMedia,
): LlmMessage[] {
  const group = session.chatType !== 'dm';
  const where = group ? `a ${session.chatType} chat on ${session.platform}` : `a direct chat on ${session.platform}`;
  const system = `${systemPrompt}\n\nYou are talking in ${where}.`;
  const userLine = (text: string, sender: string | null) => (group && sender ? `${sender}: ${text}` : text);
  return [
    { role: 'system', content: system },
    ...history.map((entry): LlmMessage =>
      entry.role === 'user' ? { role: 'user', content: userLine(entry.text, entry.senderName) } : { role: 'assistant', content: entry.text },
    ),
    {
      role: 'user',
      content: userLine(withNotes(inbound, media), inbound.senderName),
      ...(media?.images.length ? { images: media.images } : {}),
    },
  ];
}

/**
 * The history without the slash commands the gateway answered itself and without their replies
 * (for channels, where the gateway answers them; the web chat and the API send them to the model).
 * An answer is kept when the message it answers is in the window and is no command, or a command
 * the model answers (/retry: its answer replaces the one to the message before). An answer whose
 * message is not in the window (it fell out, or it is the answer to /new, written after the
 * reset) is left out too.
 */
export function conversation(history: HistoryEntry[]): HistoryEntry[] {
  const asked = new Map(history.filter((entry) => entry.role === 'user').map((entry) => [entry.id, entry.text]));
  return history.filter((entry) => {
    if (entry.role === 'user') return !parseCommand(entry.text);
    const question = entry.replyTo ? asked.get(entry.replyTo) : undefined;
    if (question === undefined) return false;
    const command = parseCommand(question);
    return !command || ANSWERED_BY_MODEL.has(command.name);
  });
}

function withNotes(inbound: StoredInbound, media: PromptMedia | undefined): string {
  const notes = media?.notes ?? inbound.attachments.map((attachment) => attachmentNote(attachment));
  return [inbound.text, ...notes].filter(Boolean).join('\n');
}
