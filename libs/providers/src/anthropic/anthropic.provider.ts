import Anthropic from '@anthropic-ai/sdk';
import { DomainError, ErrorCode } from '@switchboard/core';
import type { LlmEvent, LlmProvider, LlmRequest, LlmToolCall } from '../llm-provider';
import { apiErrorReader, toDomainError } from '../provider-errors';
import { stopReasonOf, thinkingOf, toAnthropicConversation, toAnthropicTool } from './anthropic.mapper';

const readFailure = apiErrorReader(Anthropic.APIError);

export interface AnthropicOptions {
  /** Without `/v1`; defaults to Anthropic's API. */
  baseUrl?: string;
  apiKey?: string;
}

// The Messages API requires max_tokens.
const DEFAULT_MAX_TOKENS = 4_096;

/** Anthropic's Messages API. */
export class AnthropicProvider implements LlmProvider {
  readonly id = 'anthropic';
  private readonly client: Anthropic | undefined;

  constructor(options: AnthropicOptions) {
    // Without a key the SDK would search the environment and local profile files for credentials;
    // the gateway's configuration is the only source it may use.
    this.client = options.apiKey
      ? new Anthropic({ baseURL: options.baseUrl ?? 'https://api.anthropic.com', apiKey: options.apiKey, maxRetries: 0 })
      : undefined;
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    const source = `${this.id}:${request.model}`;
    try {
      const { system, messages } = toAnthropicConversation(request.messages);
      const stream = await this.requireClient().messages.create(
        {
          model: request.model,
          system,
          messages,
          tools: request.tools?.length ? request.tools.map(toAnthropicTool) : undefined,
          ...thinkingOf(request.reasoning, request.maxOutputTokens ?? DEFAULT_MAX_TOKENS),
          // No temperature: API version 2026-10-21, which this SDK speaks, no longer has one.
          stream: true,
        },
        { signal: request.signal },
      );

      const toolUses = new Map<number, LlmToolCall>();
      let inputTokens = 0;
      let outputTokens = 0;
      let stopReason: Anthropic.StopReason | undefined;
      for await (const event of stream) {
        switch (event.type) {
          case 'message_start': {
            const usage = event.message.usage;
            // Cached input is billed apart but is still input.
            inputTokens = usage.input_tokens + (usage.cache_creation_input_tokens ?? 0) + (usage.cache_read_input_tokens ?? 0);
            outputTokens = usage.output_tokens;
            break;
          }
          case 'content_block_start':
            if (event.content_block.type === 'tool_use') {
              const { id, name } = event.content_block;
              toolUses.set(event.index, { id, name, arguments: '' });
            }
            break;
          case 'content_block_delta': {
            const { delta } = event;
            if (delta.type === 'text_delta' && delta.text) yield { type: 'text', delta: delta.text };
            if (delta.type === 'thinking_delta' && delta.thinking) yield { type: 'reasoning', delta: delta.thinking };
            const toolUse = toolUses.get(event.index);
            if (delta.type === 'input_json_delta' && toolUse) toolUse.arguments += delta.partial_json;
            break;
          }
          case 'content_block_stop': {
            const toolUse = toolUses.get(event.index);
            if (toolUse) yield { type: 'tool_call', call: { ...toolUse, arguments: toolUse.arguments || '{}' } };
            break;
          }
          case 'message_delta':
            stopReason = event.delta.stop_reason ?? stopReason;
            // Cumulative counts.
            outputTokens = event.usage.output_tokens;
            break;
        }
      }
      // The SDK ends the loop quietly when the request is aborted: no stop reason, no answer.
      if (!stopReason) throw new DomainError(ErrorCode.TEMPORARY, `${source}: the stream ended before a stop reason`);
      yield { type: 'usage', inputTokens, outputTokens };
      yield { type: 'done', stopReason: stopReasonOf(stopReason) };
    } catch (error) {
      throw toDomainError(error, source, readFailure);
    }
  }

  async healthProbe(signal?: AbortSignal): Promise<Record<string, unknown>> {
    try {
      const client = this.requireClient();
      const page = await client.models.list({}, { signal });
      return { baseUrl: client.baseURL, models: page.data.length };
    } catch (error) {
      throw toDomainError(error, this.id, readFailure);
    }
  }

  private requireClient(): Anthropic {
    if (!this.client) throw new DomainError(ErrorCode.AUTH_FAILED, 'ANTHROPIC_API_KEY is not set');
    return this.client;
  }
}
