import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode } from '@switchboard/core';
import { Ollama, type ChatResponse, type Message, type Tool } from 'ollama';
import type { LlmEvent, LlmMessage, LlmProvider, LlmReasoningLevel, LlmRequest, LlmToolDefinition } from '../llm-provider';
import { type HttpFailure, toDomainError } from '../provider-errors';
import { type LlmStopReason, parseToolArguments, textWithImageNotes } from '../provider-support';

export interface OllamaOptions {
  host?: string;
}

const DEFAULT_HOST = 'http://127.0.0.1:11434';

/** Ollama's native `/api/chat`. */
export class OllamaProvider implements LlmProvider {
  readonly id = 'ollama';

  private readonly host: string;

  constructor(options: OllamaOptions) {
    this.host = options.host ?? DEFAULT_HOST;
  }

  async *stream(request: LlmRequest): AsyncIterable<LlmEvent> {
    const source = `${this.id}:${request.model}`;
    try {
      const stream = await this.client(request.signal).chat({
        model: request.model,
        messages: toOllamaMessages(request.messages),
        tools: request.tools?.length ? request.tools.map(toOllamaTool) : undefined,
        options: { num_predict: request.maxOutputTokens, temperature: request.temperature },
        ...thinkOf(request.reasoning),
        stream: true,
      });
      let last: ChatResponse | undefined;
      let calledTools = false;
      for await (const part of stream) {
        if (part.message.thinking) yield { type: 'reasoning', delta: part.message.thinking };
        if (part.message.content) yield { type: 'text', delta: part.message.content };
        // Ollama sends each call whole, with its arguments as an object and without an id.
        for (const call of part.message.tool_calls ?? []) {
          calledTools = true;
          const { name, arguments: args } = call.function;
          yield { type: 'tool_call', call: { id: `call_${randomUUID()}`, name, arguments: JSON.stringify(args ?? {}) } };
        }
        if (part.done) last = part;
      }
      if (!last) throw new DomainError(ErrorCode.TEMPORARY, `${source}: the stream ended before its last line`);
      yield { type: 'usage', inputTokens: last.prompt_eval_count ?? 0, outputTokens: last.eval_count ?? 0 };
      yield { type: 'done', stopReason: stopReasonOf(last.done_reason, calledTools) };
    } catch (error) {
      throw toDomainError(error, source, readFailure);
    }
  }

  async healthProbe(signal?: AbortSignal): Promise<Record<string, unknown>> {
    try {
      const list = await this.client(signal).list();
      return { host: this.host, models: list.models.length };
    } catch (error) {
      throw toDomainError(error, this.id, readFailure);
    }
  }

  // The client takes no signal per request (its abort() only reaches streams already open), so
  // each request gets a client whose fetch carries the request's signal from the first byte.
  private client(signal: AbortSignal | undefined): Ollama {
    const boundFetch: typeof fetch = (input, init) =>
      fetch(input, { ...init, signal: init?.signal && signal ? AbortSignal.any([init.signal, signal]) : (signal ?? init?.signal) });
    return new Ollama({ host: this.host, fetch: boundFetch });
  }
}

// The ollama package does not export its ResponseError class; it carries no headers.
function readFailure(error: unknown): HttpFailure | undefined {
  if (error instanceof Error && error.name === 'ResponseError' && 'status_code' in error) {
    return typeof error.status_code === 'number' ? { status: error.status_code } : undefined;
  }
  return undefined;
}

function toOllamaMessages(messages: LlmMessage[]): Message[] {
  // Ollama matches a tool result to its call by the tool's name; calls have no ids there.
  const toolNames = new Map(messages.flatMap((message) => message.toolCalls ?? []).map((call) => [call.id, call.name]));
  return messages.map((message) => ({
    role: message.role,
    // Whether an Ollama model takes images depends on the model, which the gateway cannot tell.
    content: textWithImageNotes(message),
    ...(message.toolCalls?.length && {
      tool_calls: message.toolCalls.map((call) => ({ function: { name: call.name, arguments: parseToolArguments(call.arguments) } })),
    }),
    ...(message.role === 'tool' && { tool_name: toolNames.get(message.toolCallId ?? '') }),
  }));
}

/**
 * `think`: false turns thinking off; the levels are passed as they are (gpt-oss takes effort
 * levels). Unset: the model's default.
 */
export function thinkOf(level: LlmReasoningLevel | undefined): { think?: boolean | 'low' | 'medium' | 'high' } {
  if (!level) return {};
  return { think: level === 'off' ? false : level };
}

function toOllamaTool(tool: LlmToolDefinition): Tool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

function stopReasonOf(doneReason: string | undefined, calledTools: boolean): LlmStopReason {
  // Ollama reports "stop" after tool calls too.
  if (calledTools) return 'tool_calls';
  if (doneReason === 'stop') return 'end';
  if (doneReason === 'length') return 'max_tokens';
  return 'other';
}
