import type { ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { FakeLlmApi, FakeLlmError, FakeLlmSampling, FakeLlmToolCall } from './fake-llm.types';

/** A scripted reply resolved against one request: what every dialect renders in its own wire format. */
export interface ReplyPlan {
  model: string;
  body: Record<string, unknown>;
  chunks: string[];
  /** Thinking deltas, streamed before the text. */
  reasoning: string[];
  toolCalls: FakeLlmToolCall[];
  usage: { inputTokens: number; outputTokens: number };
}

/** One provider's wire format. */
export interface LlmDialect {
  api: FakeLlmApi;
  streamContentType: string;
  requestIdHeader: string;
  isStream(body: Record<string, unknown>): boolean;
  /** The output limit and temperature the request asked for, wherever this format puts them. */
  sampling(body: Record<string, unknown>): FakeLlmSampling;
  /** The 400 error the real service gives for a malformed request, if this one is. */
  validate(body: Record<string, unknown>): FakeLlmError | undefined;
  completion(plan: ReplyPlan): unknown;
  stream(plan: ReplyPlan, out: ReplyStream): Promise<void>;
  errorBody(error: FakeLlmError): unknown;
  modelList(models: string[]): unknown;
}

/** Thrown into a reply in progress once its client has gone, so the writer stops. */
export class ClientGoneError extends Error {
  constructor() {
    super('the client closed the connection');
  }
}

/**
 * Writes a streamed reply: structural frames at once, deltas after the scripted delay, and
 * silence forever (until the client leaves) once `stallAfter` deltas went out.
 */
export class ReplyStream {
  private sentDeltas = 0;

  constructor(
    private readonly res: ServerResponse,
    private readonly gone: AbortSignal,
    private readonly delayMs: number,
    private readonly stallAfter: number | undefined,
  ) {}

  write(frame: string): void {
    if (this.gone.aborted) throw new ClientGoneError();
    this.res.write(frame);
  }

  async delta(frame: string): Promise<void> {
    if (this.stallAfter !== undefined && this.sentDeltas >= this.stallAfter) await this.stall();
    await this.pause(this.delayMs);
    this.write(frame);
    this.sentDeltas++;
  }

  end(frame: string): void {
    this.write(frame);
    this.res.end();
  }

  async pause(ms: number): Promise<void> {
    if (ms <= 0) return;
    try {
      await sleep(ms, undefined, { signal: this.gone });
    } catch {
      throw new ClientGoneError();
    }
  }

  /** Never resolves; rejects when the client (or `stop()`) closes the connection. */
  stall(): Promise<never> {
    return new Promise((_resolve, reject) => {
      if (this.gone.aborted) return reject(new ClientGoneError());
      this.gone.addEventListener('abort', () => reject(new ClientGoneError()), { once: true });
    });
  }
}

const DEFAULT_MESSAGES: Record<number, string> = {
  400: 'Invalid request.',
  401: 'Invalid API key.',
  403: 'Permission denied.',
  404: 'Not found.',
  429: 'Rate limit reached. Please try again later.',
  500: 'The server had an error while processing your request.',
  503: 'The service is temporarily unavailable.',
  529: 'Overloaded.',
};

export function errorMessage(error: FakeLlmError): string {
  return error.message ?? DEFAULT_MESSAGES[error.status] ?? `Fake LLM error ${error.status}.`;
}

/** A number field of a request body, or undefined when it is absent or not a number. */
export function numberField(value: unknown): number | undefined {
  return typeof value === 'number' ? value : undefined;
}
