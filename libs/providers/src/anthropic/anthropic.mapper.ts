import type Anthropic from '@anthropic-ai/sdk';
import type { LlmImage, LlmMessage, LlmReasoningLevel, LlmToolCall, LlmToolDefinition } from '../llm-provider';
import { type LlmStopReason, parseToolArguments } from '../provider-support';

/** Anthropic takes the system prompt apart from the conversation. */
export function toAnthropicConversation(messages: LlmMessage[]): {
  system: string | undefined;
  messages: Anthropic.MessageParam[];
} {
  const system = messages.filter((message) => message.role === 'system').map((message) => message.content);
  const conversation: Anthropic.MessageParam[] = [];
  for (const message of messages) {
    if (message.role === 'system') continue;
    if (message.role === 'tool') {
      const result: Anthropic.ToolResultBlockParam = {
        type: 'tool_result',
        tool_use_id: message.toolCallId ?? '',
        content: message.content,
      };
      // Results of parallel calls belong in one user message, right after the assistant's calls.
      const previous = conversation.at(-1);
      if (previous?.role === 'user' && Array.isArray(previous.content)) previous.content.push(result);
      else conversation.push({ role: 'user', content: [result] });
      continue;
    }
    if (message.role === 'assistant' && message.toolCalls?.length) {
      const text: Anthropic.TextBlockParam[] = message.content ? [{ type: 'text', text: message.content }] : [];
      conversation.push({ role: 'assistant', content: [...text, ...message.toolCalls.map(toolUseBlock)] });
      continue;
    }
    if (message.role === 'user' && message.images?.length) {
      // Anthropic's advice: images before the text that asks about them.
      conversation.push({ role: 'user', content: [...message.images.map(imageBlock), { type: 'text', text: message.content }] });
      continue;
    }
    conversation.push({ role: message.role, content: message.content });
  }
  return { system: system.length > 0 ? system.join('\n\n') : undefined, messages: conversation };
}

export function toAnthropicTool(tool: LlmToolDefinition): Anthropic.Tool {
  return { name: tool.name, description: tool.description, input_schema: { ...tool.parameters, type: 'object' } };
}

export function stopReasonOf(reason: Anthropic.StopReason): LlmStopReason {
  switch (reason) {
    case 'end_turn':
    case 'stop_sequence':
      return 'end';
    case 'tool_use':
      return 'tool_calls';
    case 'max_tokens':
      return 'max_tokens';
    default:
      return 'other';
  }
}

function imageBlock(image: LlmImage): Anthropic.ImageBlockParam {
  return { type: 'image', source: { type: 'base64', media_type: image.mimeType, data: image.dataBase64 } };
}

function toolUseBlock(call: LlmToolCall): Anthropic.ToolUseBlockParam {
  return { type: 'tool_use', id: call.id, name: call.name, input: parseToolArguments(call.arguments) };
}

// Extended thinking budgets per level; 1024 is the API's minimum.
const THINKING_BUDGET: Record<Exclude<LlmReasoningLevel, 'off'>, number> = { low: 1_024, medium: 4_096, high: 16_384 };

/**
 * The thinking setting and max_tokens of a request. The thinking budget is spent out of
 * max_tokens, which must exceed it, so the budget is added to the answer's own allowance.
 */
export function thinkingOf(level: LlmReasoningLevel | undefined, maxOutputTokens: number): { max_tokens: number; thinking?: Anthropic.ThinkingConfigParam } {
  if (!level) return { max_tokens: maxOutputTokens };
  if (level === 'off') return { max_tokens: maxOutputTokens, thinking: { type: 'disabled' } };
  const budget = THINKING_BUDGET[level];
  return { max_tokens: maxOutputTokens + budget, thinking: { type: 'enabled', budget_tokens: budget } };
}
