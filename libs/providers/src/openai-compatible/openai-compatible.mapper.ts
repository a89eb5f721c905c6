import type {
  ChatCompletionChunk,
  ChatCompletionContentPartImage,
  ChatCompletionFunctionTool,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import type { LlmImage, LlmMessage, LlmToolDefinition } from '../llm-provider';
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
