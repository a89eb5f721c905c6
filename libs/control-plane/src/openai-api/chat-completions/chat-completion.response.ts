import type { StartedCompletion } from './create-chat-completion.use-case';

export interface CompletionUsage {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
}

export interface ChatCompletion {
  id: string;
  object: 'chat.completion';
  created: number;
  model: string;
  choices: [{ index: 0; message: { role: 'assistant'; content: string; refusal: null }; finish_reason: 'stop'; logprobs: null }];
  usage: CompletionUsage;
}

/** Providers that report no usage count as 0 tokens. */
export function toUsage(usage: { inputTokens: number; outputTokens: number } | undefined): CompletionUsage {
  const prompt = usage?.inputTokens ?? 0;
  const completion = usage?.outputTokens ?? 0;
  return { prompt_tokens: prompt, completion_tokens: completion, total_tokens: prompt + completion };
}

/** The whole answer as one `chat.completion` object (non-streaming requests). */
export async function collectCompletion(completion: StartedCompletion): Promise<ChatCompletion> {
  let content = '';
  let usage: { inputTokens: number; outputTokens: number } | undefined;
  for await (const event of completion.events) {
    if (event.type === 'text') content += event.delta;
    if (event.type === 'usage') usage = event;
  }
  return {
    id: completion.id,
    object: 'chat.completion',
    created: completion.created,
    model: completion.model,
    choices: [{ index: 0, message: { role: 'assistant', content, refusal: null }, finish_reason: 'stop', logprobs: null }],
    usage: toUsage(usage),
  };
}
