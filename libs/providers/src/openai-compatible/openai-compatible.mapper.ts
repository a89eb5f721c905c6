import type {
  ChatCompletionChunk,
  ChatCompletionContentPartImage,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { LlmImage, LlmMessage, LlmReasoningLevel, LlmToolDefinition } from '../llm-provider';
import type { LlmStopReason } from '../provider-support';

type FinishReason = ChatCompletionChunk.Choice['finish_reason'];

export function toOpenAiMessage(message: LlmMessage): ChatCompletionMessageParam {
  switch (message.role) {
    case 'system':
      return { role: 'system', content: message.content };
    case 'user':
      return message.images?.length ? { role: 'user', content: [{ type: 'text', text: message.content }, ...message.images.map(imagePart)] } : { role: 'user', content: message.content };
    case 'tool':
      return { role: 'tool', tool_call_id: message.toolCallId ?? '', content: message.content };
    case 'assistant':
      return {
        role: 'assistant',
        content: message.content,
        ...(message.toolCalls?.length && {
          tool_calls: message.toolCalls.map((call) => ({
            id: call.id,
            type: 'function' as const,
            function: { name: call.name, arguments: call.arguments },
          })),
        }),
      };
  }
}

// Images go inline as data URLs: the gateway holds no URL the provider could fetch.
function imagePart(image: LlmImage): ChatCompletionContentPartImage {
  return { type: 'image_url', image_url: { url: `data:${image.mimeType};base64,${image.dataBase64}` } };
}

export function toOpenAiTool(tool: LlmToolDefinition): ChatCompletionFunctionTool {
  return { type: 'function', function: { name: tool.name, description: tool.description, parameters: tool.parameters } };
}

export function stopReasonOf(finish: NonNullable<FinishReason>): LlmStopReason {
  switch (finish) {
    case 'stop':
      return 'end';
    case 'tool_calls':
    case 'function_call':
      return 'tool_calls';
    case 'length':
      return 'max_tokens';
    default:
      return 'other';
  }
}

/** reasoning_effort, left out unless asked for: many compatible servers reject fields they do not know. */
export function reasoningEffortOf(level: LlmReasoningLevel | undefined): { reasoning_effort?: 'none' | 'low' | 'medium' | 'high' } {
  if (!level) return {};
  return { reasoning_effort: level === 'off' ? 'none' : level };
}

/**
 * The thinking text of a chunk: not in OpenAI's API (its models keep it hidden), but servers that
 * copy it send it as `reasoning_content` (DeepSeek, vLLM, Qwen) or `reasoning` (OpenRouter, Ollama's).
 */
export function reasoningDelta(delta: ChatCompletionChunk.Choice['delta']): string | undefined {
  const extra = delta as { reasoning_content?: unknown; reasoning?: unknown };
  const text = extra.reasoning_content ?? extra.reasoning;
  return typeof text === 'string' && text ? text : undefined;
}
