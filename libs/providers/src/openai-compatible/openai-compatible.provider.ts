import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode } from '@switchboard/core';
import OpenAI from 'openai';
import type { LlmEvent, LlmProvider, LlmRequest, LlmToolCall } from '../llm-provider';
import { apiErrorReader, toDomainError } from '../provider-errors';
import { reasoningDelta, reasoningEffortOf, stopReasonOf, toOpenAiMessage, toOpenAiTool } from './openai-compatible.mapper';

const readFailure = apiErrorReader(OpenAI.APIError);

export interface OpenAiCompatibleOptions {
  /** Defaults to OpenAI itself. */
  baseUrl?: string;
  apiKey?: string;
}

/** Chat Completions of OpenAI and of the servers that copy its API (vLLM, DeepSeek, Kimi, Qwen, ...). */
export class OpenAiCompatibleProvider implements LlmProvider {
  readonly id = 'openai-compatible';
  private readonly client: OpenAI;

  constructor(options: OpenAiCompatibleOptions) {
    this.client = new OpenAI({
      // Passed explicitly so that the SDK does not fall back to environment variables.
      baseURL: options.baseUrl ?? 'https://api.openai.com/v1',
      // Local servers need no key, but the SDK refuses to start without one.
      apiKey: options.apiKey ?? 'no-key-configured',
      // The router retries and falls back; SDK retries would multiply its attempts.
      maxRetries: 0,
    });
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    const source = `${this.id}:${request.model}`;
    try {
      const stream = await this.client.chat.completions.create(
        {
          model: request.model,
          messages: request.messages.map(toOpenAiMessage),
          // Some compatible servers reject an empty tools array.
          tools: request.tools?.length ? request.tools.map(toOpenAiTool) : undefined,
          // max_tokens rather than max_completion_tokens: more compatible servers know it.
          max_tokens: request.maxOutputTokens,
          temperature: request.temperature,
          ...reasoningEffortOf(request.reasoning),
          stream: true,
          stream_options: { include_usage: true },
        },
        { signal: request.signal },
      );

      const calls = new Map<number, LlmToolCall>();
      let finish: LlmEvent | undefined;
      for await (const chunk of stream) {
        if (chunk.usage) {
          yield { type: 'usage', inputTokens: chunk.usage.prompt_tokens, outputTokens: chunk.usage.completion_tokens };
        }
        const choice = chunk.choices[0];
        if (!choice) continue;
        const thinking = reasoningDelta(choice.delta);
        if (thinking) yield { type: 'reasoning', delta: thinking };
        if (choice.delta.content) yield { type: 'text', delta: choice.delta.content };
        // A call arrives as an opening delta (id, name) followed by fragments of its arguments.
        for (const part of choice.delta.tool_calls ?? []) {
          const call = calls.get(part.index) ?? { id: '', name: '', arguments: '' };
          calls.set(part.index, call);
          if (part.id) call.id = part.id;
          if (part.function?.name) call.name = part.function.name;
          call.arguments += part.function?.arguments ?? '';
        }
        if (choice.finish_reason) {
          for (const [, call] of [...calls].sort(([a], [b]) => a - b)) yield { type: 'tool_call', call: completed(call) };
          calls.clear();
          finish = { type: 'done', stopReason: stopReasonOf(choice.finish_reason) };
        }
      }
      // The SDK ends the loop quietly when the request is aborted: no finish reason, no answer.
      if (!finish) throw new DomainError(ErrorCode.TEMPORARY, `${source}: the stream ended before a finish reason`);
      yield finish;
    } catch (error) {
      throw toDomainError(error, source, readFailure);
    }
  }

  async healthProbe(signal?: AbortSignal): Promise<Record<string, unknown>> {
    try {
      const page = await this.client.models.list({ signal });
      return { baseUrl: this.client.baseURL, models: page.data.length };
    } catch (error) {
      throw toDomainError(error, this.id, readFailure);
    }
  }
}

function completed(call: LlmToolCall): LlmToolCall {
  return {
    // A few compatible servers omit the id, which the tool result must quote.
    id: call.id || `call_${randomUUID()}`,
    name: call.name,
    arguments: call.arguments || '{}',
  };
}
