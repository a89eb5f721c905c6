import type { FakeLlmError, FakeLlmToolCall } from './fake-llm.types';
import { fakeId, splitIntoChunks } from './fake-llm.text';
import { errorMessage, type LlmDialect, numberField, type ReplyPlan, type ReplyStream } from './llm-dialect';

const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  402: 'billing_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};

function stopReason(plan: ReplyPlan): 'tool_use' | 'end_turn' {
  return plan.toolCalls.length > 0 ? 'tool_use' : 'end_turn';
}

// A text block is sent when there is text, or when there is nothing else, as the real API does.
function hasTextBlock(plan: ReplyPlan): boolean {
  return plan.chunks.length > 0 || plan.toolCalls.length === 0;
}

function toolUseBlock(call: FakeLlmToolCall, input: unknown) {
  return { type: 'tool_use', id: call.id ?? fakeId('toolu_'), name: call.name, input };
}

function messageShell(plan: ReplyPlan) {
  return { id: fakeId('msg_'), type: 'message', role: 'assistant', model: plan.model, stop_sequence: null };
}

function usageOf(plan: ReplyPlan, outputTokens: number) {
  return {
    input_tokens: plan.usage.inputTokens,
    output_tokens: outputTokens,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
  };
}

/** Anthropic Messages API. */
export const anthropicDialect: LlmDialect = {
  api: 'anthropic',
  streamContentType: 'text/event-stream; charset=utf-8',
  requestIdHeader: 'request-id',

  isStream: (body) => body.stream === true,

  sampling: (body) => ({ maxOutputTokens: numberField(body.max_tokens), temperature: numberField(body.temperature) }),

  validate(body) {
    for (const field of ['model', 'messages', 'max_tokens']) {
      if (body[field] === undefined) return { status: 400, message: `${field}: Field required` };
    }
    return undefined;
  },

  completion(plan) {
    const text = hasTextBlock(plan) ? [{ type: 'text', text: plan.chunks.join('') }] : [];
    return {
      ...messageShell(plan),
      content: [...text, ...plan.toolCalls.map((call) => toolUseBlock(call, call.arguments))],
      stop_reason: stopReason(plan),
      usage: usageOf(plan, plan.usage.outputTokens),
    };
  },

  async stream(plan: ReplyPlan, out: ReplyStream) {
    // The SDK ignores frames without an `event:` line, so every frame carries one.
    const frame = (type: string, data: Record<string, unknown> = {}) =>
      `event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`;

    out.write(
      frame('message_start', {
        message: { ...messageShell(plan), content: [], stop_reason: null, usage: usageOf(plan, 1) },
      }),
    );
    out.write(frame('ping'));
    let index = 0;
    if (plan.reasoning.length) {
      out.write(frame('content_block_start', { index, content_block: { type: 'thinking', thinking: '', signature: '' } }));
      for (const thinking of plan.reasoning) {
        await out.delta(frame('content_block_delta', { index, delta: { type: 'thinking_delta', thinking } }));
      }
      out.write(frame('content_block_delta', { index, delta: { type: 'signature_delta', signature: 'fake-signature' } }));
      out.write(frame('content_block_stop', { index }));
      index++;
    }
    if (hasTextBlock(plan)) {
      out.write(frame('content_block_start', { index, content_block: { type: 'text', text: '' } }));
      for (const text of plan.chunks) {
        await out.delta(frame('content_block_delta', { index, delta: { type: 'text_delta', text } }));
      }
      out.write(frame('content_block_stop', { index }));
      index++;
    }
    for (const call of plan.toolCalls) {
      out.write(frame('content_block_start', { index, content_block: toolUseBlock(call, {}) }));
      for (const partial_json of splitIntoChunks(JSON.stringify(call.arguments), 2)) {
        await out.delta(frame('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json } }));
      }
      out.write(frame('content_block_stop', { index }));
      index++;
    }
    out.write(
      frame('message_delta', {
        delta: { stop_reason: stopReason(plan), stop_sequence: null },
        usage: { output_tokens: plan.usage.outputTokens },
      }),
    );
    out.end(frame('message_stop'));
  },

  errorBody(error: FakeLlmError) {
    const type = error.type ?? ERROR_TYPES[error.status] ?? (error.status >= 500 ? 'api_error' : 'invalid_request_error');
    return { type: 'error', error: { type, message: errorMessage(error) } };
  },

  modelList(models) {
    return {
      data: models.map((id) => ({ type: 'model', id, display_name: id, created_at: '2025-01-01T00:00:00Z' })),
      has_more: false,
      first_id: models[0] ?? null,
      last_id: models.at(-1) ?? null,
    };
  },
};
