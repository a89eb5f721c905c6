import type { LlmEvent, LlmMessage } from './llm-provider';

export type LlmStopReason = Extract<LlmEvent, { type: 'done' }>['stopReason'];

/**
 * The arguments of an earlier tool call as the object some APIs want back. A model can have
 * produced text that is not a JSON object; it is sent back as `{}` rather than failing the turn.
 */
export function parseToolArguments(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text || '{}');
    return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/**
 * A message's text for a model that takes no images: each image becomes a one-line note, so the
 * model knows something was shown that it cannot see rather than answering as if nothing was.
 */
export function textWithImageNotes(message: LlmMessage): string {
  if (!message.images?.length) return message.content;
  const notes = message.images.map((image) => `[image ${image.fileName ?? image.mimeType} not shown: this model reads text only]`);
  return [message.content, ...notes].filter(Boolean).join('\n');
}
