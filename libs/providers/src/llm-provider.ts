/** Image formats the providers that take images all accept. */
export const LLM_IMAGE_MIME_TYPES = ['image/png', 'image/jpeg', 'image/gif', 'image/webp'] as const;
export type LlmImageMimeType = (typeof LLM_IMAGE_MIME_TYPES)[number];

/** An image that comes with a user message. */
export interface LlmImage {
  mimeType: LlmImageMimeType;
  /** The image file in base64 (standard alphabet, padded). */
  dataBase64: string;
  /** Named in the note a model without image input gets instead. */
  fileName?: string;
}

/** A message of the conversation sent to a model. */
export interface LlmMessage {
  role: 'system' | 'user' | 'assistant' | 'tool';
  content: string;
  /**
   * For role "user": images to show the model with the text. Providers without image input send
   * a short note in their place (see textWithImageNotes).
   */
  images?: LlmImage[];
  /** For role "tool": the call this result answers. */
  toolCallId?: string;
  /** For role "assistant": calls the model made in that message. */
  toolCalls?: LlmToolCall[];
}

export interface LlmToolCall {
  id: string;
  name: string;
  /** JSON text of the arguments. */
  arguments: string;
}

export interface LlmToolDefinition {
  name: string;
  description: string;
  /** JSON Schema of the arguments object. */
  parameters: Record<string, unknown>;
}

export interface LlmRequest {
  model: string;
  messages: LlmMessage[];
  tools?: LlmToolDefinition[];
  maxOutputTokens?: number;
  temperature?: number;
  /**
   * How hard the model should think before answering, for models that can (OpenAI
   * reasoning_effort, Anthropic extended thinking, Ollama think); unset: the provider's default.
   */
  reasoning?: LlmReasoningLevel;
  /** Aborts the request (user abort, shutdown, timeout). */
  signal?: AbortSignal;
}

export type LlmReasoningLevel = 'off' | 'low' | 'medium' | 'high';

/** What a provider streams. Text arrives as deltas; a tool call arrives whole, once complete. */
export type LlmEvent =
  | { type: 'text'; delta: string }
  /** The model's thinking, where the provider shows it (not part of the answer). */
  | { type: 'reasoning'; delta: string }
  | { type: 'tool_call'; call: LlmToolCall }
  | { type: 'usage'; inputTokens: number; outputTokens: number }
  | { type: 'done'; stopReason: 'end' | 'tool_calls' | 'max_tokens' | 'other' };

/**
 * One model API. Errors are thrown as DomainErrors: RATE_LIMITED (with retryAfterMs from the
 * 429's retry-after), TEMPORARY (5xx, network, timeout), AUTH_FAILED (401/403), PERMANENT or
 * INVALID_INPUT (4xx the same request would get again).
 */
export interface LlmProvider {
  /** "openai-compatible", "anthropic", "ollama", "echo". */
  readonly id: string;
  stream(request: LlmRequest): AsyncIterable<LlmEvent>;
  /** Cheap reachability check (lists models) for /ready and doctor; `signal` bounds its time. */
  healthProbe(signal?: AbortSignal): Promise<Record<string, unknown>>;
}
