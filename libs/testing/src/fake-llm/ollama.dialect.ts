import type { FakeLlmError } from './fake-llm.types';
import { errorMessage, type LlmDialect, numberField, type ReplyPlan, type ReplyStream } from './llm-dialect';

function line(plan: ReplyPlan, fields: Record<string, unknown>): string {
  return `${JSON.stringify({ model: plan.model, created_at: new Date().toISOString(), ...fields })}\n`;
}

// Ollama sends tool calls whole, with the arguments as an object rather than a JSON string.
function toolCallsOf(plan: ReplyPlan) {
  return plan.toolCalls.map((call) => ({ function: { name: call.name, arguments: call.arguments } }));
}

function doneFields(plan: ReplyPlan) {
  return {
    done: true,
    done_reason: 'stop',
    total_duration: 1_000_000,
    load_duration: 100_000,
    prompt_eval_count: plan.usage.inputTokens,
    prompt_eval_duration: 200_000,
    eval_count: plan.usage.outputTokens,
    eval_duration: 700_000,
  };
}

/** Ollama's native `/api/chat`. */
export const ollamaDialect: LlmDialect = {
  api: 'ollama',
  streamContentType: 'application/x-ndjson',
  requestIdHeader: 'x-request-id',

  // Ollama streams unless told otherwise.
  isStream: (body) => body.stream !== false,

  sampling(body) {
    const options = (body.options ?? {}) as Record<string, unknown>;
    return { maxOutputTokens: numberField(options.num_predict), temperature: numberField(options.temperature) };
  },

  validate(body) {
    return typeof body.model === 'string' && body.model !== '' ? undefined : { status: 400, message: 'model is required' };
  },

  completion(plan) {
    const toolCalls = toolCallsOf(plan);
    return {
      model: plan.model,
      created_at: new Date().toISOString(),
      message: { role: 'assistant', content: plan.chunks.join(''), ...(toolCalls.length > 0 && { tool_calls: toolCalls }) },
      ...doneFields(plan),
    };
  },

  async stream(plan: ReplyPlan, out: ReplyStream) {
    for (const thinking of plan.reasoning) {
      await out.delta(line(plan, { message: { role: 'assistant', content: '', thinking }, done: false }));
    }
    for (const content of plan.chunks) {
      await out.delta(line(plan, { message: { role: 'assistant', content }, done: false }));
    }
    if (plan.toolCalls.length > 0) {
      await out.delta(line(plan, { message: { role: 'assistant', content: '', tool_calls: toolCallsOf(plan) }, done: false }));
    }
    out.end(line(plan, { message: { role: 'assistant', content: '' }, ...doneFields(plan) }));
  },

  errorBody(error: FakeLlmError) {
    return { error: errorMessage(error) };
  },

  modelList(models) {
    return {
      models: models.map((name) => ({
        name,
        model: name,
        modified_at: '2025-01-01T00:00:00Z',
        size: 1_000_000,
        digest: 'fake',
        details: {
          parent_model: '',
          format: 'gguf',
          family: 'fake',
          families: ['fake'],
          parameter_size: '1B',
          quantization_level: 'Q4_0',
        },
      })),
    };
  },
};
