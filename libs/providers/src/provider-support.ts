import type { LlmEvent } from './llm-provider';

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
