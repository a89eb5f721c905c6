import type { FakeLlmError } from './fake-llm.types';
import { fakeId, splitIntoChunks } from './fake-llm.text';
import { errorMessage, type LlmDialect, numberField, type ReplyPlan, type ReplyStream } from './llm-dialect';

function finishReason(plan: ReplyPlan): 'tool_calls' | 'stop' {
  return plan.toolCalls.length > 0 ? 'tool_calls' : 'stop';
}

function usageOf(plan: ReplyPlan) {
  const { inputTokens, outputTokens } = plan.usage;
  return { prompt_tokens: inputTokens, completion_tokens: outputTokens, total_tokens: inputTokens + outputTokens };
}

function errorTypeAndCode(status: number): [string, string | null] {
  if (status === 401) return ['invalid_request_error', 'invalid_api_key'];
  if (status === 404) return ['invalid_request_error', 'model_not_found'];
  if (status === 429) return ['requests', 'rate_limit_exceeded'];
  if (status >= 500) return ['server_error', null];
  return ['invalid_request_error', null];
}

/** OpenAI Chat Completions, as served by OpenAI and by the many "OpenAI-compatible" servers. */
export const openAiDialect: LlmDialect = {
  api: 'openai',
  streamContentType: 'text/event-stream; charset=utf-8',
  requestIdHeader: 'x-request-id',

  isStream: (body) => body.stream === true,

  sampling: (body) => ({
    maxOutputTokens: numberField(body.max_completion_tokens) ?? numberField(body.max_tokens),
    temperature: numberField(body.temperature),
  }),

  validate(body) {
    if (typeof body.model !== 'string') return { status: 400, message: "Missing required parameter: 'model'." };
    if (!Array.isArray(body.messages) || body.messages.length === 0) {
      return { status: 400, message: "Missing required parameter: 'messages'." };
    }
    return undefined;
  },

  completion(plan) {
    const text = plan.chunks.join('');
    return {
      id: fakeId('chatcmpl-'),
      object: 'chat.completion',
      created: Math.floor(Date.now() / 1000),
      model: plan.model,
      system_fingerprint: 'fp_fake',
      choices: [
        {
          index: 0,
          message: {
            role: 'assistant',
            content: text === '' && plan.toolCalls.length > 0 ? null : text,
            refusal: null,
            ...(plan.toolCalls.length > 0 && {
              tool_calls: plan.toolCalls.map((call) => ({
                id: call.id ?? fakeId('call_'),
                type: 'function',
                function: { name: call.name, arguments: JSON.stringify(call.arguments) },
              })),
            }),
          },
          logprobs: null,
          finish_reason: finishReason(plan),
        },
      ],
      usage: usageOf(plan),
    };
  },

  async stream(plan: ReplyPlan, out: ReplyStream) {
    const id = fakeId('chatcmpl-');
    const created = Math.floor(Date.now() / 1000);
    const streamOptions = plan.body.stream_options as { include_usage?: boolean } | undefined;
    const includeUsage = streamOptions?.include_usage === true;
    // With include_usage the real API puts `usage: null` on every chunk and the numbers on a last one.
    const frame = (choices: unknown[], usage?: unknown) =>
      `data: ${JSON.stringify({
        id,
        object: 'chat.completion.chunk',
        created,
        model: plan.model,
        system_fingerprint: 'fp_fake',
        choices,
        ...(includeUsage && { usage: usage ?? null }),
      })}\n\n`;
    const choice = (delta: unknown, finish: string | null = null) => [
      { index: 0, delta, logprobs: null, finish_reason: finish },
    ];

    out.write(frame(choice({ role: 'assistant', content: '', refusal: null })));
    for (const piece of plan.reasoning) await out.delta(frame(choice({ reasoning_content: piece })));
    for (const piece of plan.chunks) await out.delta(frame(choice({ content: piece })));
    for (const [index, call] of plan.toolCalls.entries()) {
      const opening = { index, id: call.id ?? fakeId('call_'), type: 'function', function: { name: call.name, arguments: '' } };
      await out.delta(frame(choice({ tool_calls: [opening] })));
      for (const fragment of splitIntoChunks(JSON.stringify(call.arguments), 2)) {
        await out.delta(frame(choice({ tool_calls: [{ index, function: { arguments: fragment } }] })));
      }
    }
    out.write(frame(choice({}, finishReason(plan))));
    if (includeUsage) out.write(frame([], usageOf(plan)));
    out.end('data: [DONE]\n\n');
  },

  errorBody(error: FakeLlmError) {
    const [type, code] = errorTypeAndCode(error.status);
    return { error: { message: errorMessage(error), type: error.type ?? type, param: null, code: error.code ?? code } };
  },

  modelList(models) {
    return {
      object: 'list',
      data: models.map((id) => ({ id, object: 'model', created: 1_700_000_000, owned_by: 'fake-llm' })),
    };
  },
};
