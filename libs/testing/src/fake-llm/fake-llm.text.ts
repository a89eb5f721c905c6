import { randomUUID } from 'node:crypto';
import type { FakeLlmImage } from './fake-llm.types';

/** Splits `text` into at most `count` pieces of near-equal length, never inside a code point. */
export function splitIntoChunks(text: string, count: number): string[] {
  const chars = Array.from(text);
  const pieces = Math.max(1, Math.min(Math.floor(count), chars.length));
  const chunks: string[] = [];
  for (let i = 0; i < pieces; i++) {
    const start = Math.floor((i * chars.length) / pieces);
    const end = Math.floor(((i + 1) * chars.length) / pieces);
    if (end > start) chunks.push(chars.slice(start, end).join(''));
  }
  return chunks;
}

/** A rough token count (one per word) so usage numbers move with prompt and reply size. */
export function countTokens(text: string): number {
  return text.split(/\s+/).filter(Boolean).length;
}

export function fakeId(prefix: string): string {
  return `${prefix}${randomUUID().replaceAll('-', '').slice(0, 24)}`;
}

/**
 * The text of a message `content` in any of the three protocols: a plain string, or an array of
 * parts where only `{type:"text"}` parts count.
 */
function textOf(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  return content
    .filter((part) => part?.type === 'text' && typeof part.text === 'string')
    .map((part) => part.text as string)
    .join('\n');
}

type RawMessage = { role?: unknown; content?: unknown };

function messagesOf(body: Record<string, unknown>): RawMessage[] {
  return Array.isArray(body.messages) ? (body.messages as RawMessage[]) : [];
}

export function lastUserText(body: Record<string, unknown>): string {
  const lastUser = messagesOf(body).findLast((message) => message?.role === 'user');
  return lastUser ? textOf(lastUser.content) : '';
}

export function lastUserImages(body: Record<string, unknown>): FakeLlmImage[] {
  const content = messagesOf(body).findLast((message) => message?.role === 'user')?.content;
  if (!Array.isArray(content)) return [];
  return content.flatMap((part): FakeLlmImage[] => {
    if (part?.type === 'image_url') {
      const dataUrl = /^data:([^;,]+);base64,(.*)$/s.exec(String(part.image_url?.url ?? ''));
      return dataUrl ? [{ mimeType: dataUrl[1], dataBase64: dataUrl[2] }] : [];
    }
    if (part?.type === 'image' && part.source?.type === 'base64') return [{ mimeType: String(part.source.media_type), dataBase64: String(part.source.data) }];
    return [];
  });
}

/** Anthropic puts the system prompt in `system`; OpenAI and Ollama use system/developer messages. */
export function systemText(body: Record<string, unknown>): string {
  const fromMessages = messagesOf(body)
    .filter((message) => message?.role === 'system' || message?.role === 'developer')
    .map((message) => textOf(message.content));
  return [textOf(body.system), ...fromMessages].filter(Boolean).join('\n');
}

export function promptTokens(body: Record<string, unknown>): number {
  const texts = messagesOf(body).map((message) => textOf(message?.content));
  return Math.max(1, countTokens([textOf(body.system), ...texts].join(' ')));
}
