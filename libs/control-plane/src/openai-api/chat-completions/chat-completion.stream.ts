import type { Logger } from '@nestjs/common';
import { toOpenAiError } from '../errors/openai-error';
import { CompletionUsage, toUsage } from './chat-completion.response';
import type { StartedCompletion } from './create-chat-completion.use-case';

export const SSE_HEADERS = {
  'content-type': 'text/event-stream',
  'cache-control': 'no-cache',
  // Proxies such as nginx would otherwise hold the deltas back.
  'x-accel-buffering': 'no',
};

interface StreamOptions {
  includeUsage: boolean;
  /** Aborted when the client went away: nothing more is written then. */
  signal: AbortSignal;
  logger: Logger;
}

type Delta = { role?: 'assistant'; content?: string };

/**
 * The answer as OpenAI's server-sent events: a first chunk with the role, one chunk per text
 * delta, a last chunk with finish_reason "stop", with include_usage a chunk with no choices and
 * the usage, then `[DONE]`. A failure after the start is sent as `data: {"error": …}` and ends
 * the stream.
 */
export async function* completionStream(completion: StartedCompletion, options: StreamOptions): AsyncGenerator<string> {
  const chunk = (delta: Delta | undefined, finishReason: 'stop' | null, usage: CompletionUsage | null = null) =>
    event({
      id: completion.id,
      object: 'chat.completion.chunk',
      created: completion.created,
      model: completion.model,
      choices: delta ? [{ index: 0, delta, logprobs: null, finish_reason: finishReason }] : [],
      // With include_usage, OpenAI sends usage: null on every chunk but the usage one.
      ...(options.includeUsage ? { usage } : {}),
    });

  yield chunk({ role: 'assistant', content: '' }, null);
  let usage: { inputTokens: number; outputTokens: number } | undefined;
  try {
    for await (const next of completion.events) {
      if (next.type === 'text' && next.delta) yield chunk({ content: next.delta }, null);
      if (next.type === 'usage') usage = next;
    }
  } catch (error) {
    if (!options.signal.aborted) yield event(toOpenAiError(error, options.logger).body);
    return;
  }
  yield chunk({}, 'stop');
  if (options.includeUsage) yield chunk(undefined, null, toUsage(usage));
  yield 'data: [DONE]\n\n';
}

function event(data: unknown): string {
  return `data: ${JSON.stringify(data)}\n\n`;
}
