import type { IncomingHttpHeaders } from 'node:http';

/** Which wire protocol a request used. */
export type FakeLlmApi = 'openai' | 'anthropic' | 'ollama';

export interface FakeLlmToolCall {
  /** Defaults to a generated id in the provider's style (`call_…`, `toolu_…`). */
  id?: string;
  name: string;
  arguments: Record<string, unknown>;
}

export interface FakeLlmError {
  /** HTTP status, e.g. 401, 429, 500, 529. */
  status: number;
  message?: string;
  /** Overrides the provider error type derived from the status (e.g. `insufficient_quota`). */
  type?: string;
  /** OpenAI only: the `error.code` field; derived from the status when omitted. */
  code?: string;
  /** Seconds, sent as the `retry-after` header. */
  retryAfter?: number;
}

/**
 * What the fake answers to one request. Every field is optional; an empty reply is an empty
 * assistant message that ends normally.
 */
export interface FakeLlmReply {
  text?: string;
  /**
   * Thinking streamed before the text (OpenAI-compatible `reasoning_content`, Anthropic thinking
   * block, Ollama `message.thinking`); streaming only.
   */
  reasoning?: string;
  /** How many stream deltas the text is split into (default 3, at most one per character). */
  chunks?: number;
  toolCalls?: FakeLlmToolCall[];
  /** Wait before each streamed delta; a non-stream reply waits this times the chunk count. */
  chunkDelayMs?: number;
  /** Token counts to report; estimated from word counts when omitted. */
  usage?: { inputTokens: number; outputTokens: number };
  /** Answer with this HTTP error instead of a completion. */
  error?: FakeLlmError;
  /**
   * `no-response`: read the request and never answer.
   * `mid-stream`: send the headers and about half of the deltas, then go silent without ending.
   */
  hang?: 'no-response' | 'mid-stream';
}

/** An image as a request carried it. */
export interface FakeLlmImage {
  mimeType: string;
  dataBase64: string;
}

/** The generation settings of a request, in every protocol's terms. */
export interface FakeLlmSampling {
  /** OpenAI `max_completion_tokens` or `max_tokens`, Anthropic `max_tokens`, Ollama `options.num_predict`. */
  maxOutputTokens: number | undefined;
  /** `temperature` (Ollama: `options.temperature`). */
  temperature: number | undefined;
}

/** One request as the fake received it. */
export interface FakeLlmRequest {
  api: FakeLlmApi | 'unknown';
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** The parsed JSON body, or `{}` for a request without one. */
  body: Record<string, unknown>;
  model: string | undefined;
  stream: boolean;
  /** Text of the last user message (text parts joined), `''` when there is none. */
  userText: string;
  /** Images of the last user message: OpenAI `image_url` data URLs and Anthropic base64 blocks. */
  userImages: FakeLlmImage[];
  /** The system prompt, wherever the protocol puts it, `''` when there is none. */
  systemText: string;
  /** The output limit and temperature the request asked for. */
  sampling: FakeLlmSampling;
  receivedAt: Date;
  /** Set when the client went away before the reply was complete (abort, timeout). */
  aborted: boolean;
  /** When the client went away (epoch milliseconds, sub-millisecond precision). */
  abortedAt?: number;
}

/** Decides the reply to a request that the queue has no reply for. */
export type FakeLlmResponder = (request: FakeLlmRequest) => FakeLlmReply | Promise<FakeLlmReply>;
