import { setTimeout as sleep } from 'node:timers/promises';
import { Injectable } from '@nestjs/common';
import { InjectConfig, type SwitchboardConfig } from '@switchboard/config';
import { DomainError, ErrorCode, isDomainError } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { retryDelayMs } from '@switchboard/queue/retry-policy';
import { LlmAttempt } from './llm-attempt';
import type { LlmEvent, LlmProvider, LlmRequest } from './llm-provider';
import { createLlmProviders, type LlmConfig, type LlmProviderId, TAKES_TEMPERATURE } from './llm-provider.factory';
import { formatModelRef, type ModelRef, parseModelRef } from './model-ref';

export const NO_MODEL_CONFIGURED_MESSAGE = 'No model is configured on this gateway yet. Ask the operator to set LLM_PROVIDER.';

const BACKOFF_BASE_MS = 500;
// A longer wait is better spent on the next model, or left to the queue, which reschedules the
// job (the error keeps its retryAfterMs) without holding a worker.
const MAX_RETRY_WAIT_MS = 30_000;
const PROBE_TIMEOUT_MS = 5_000;

/** A request to the router: `model` ("provider:model", or a model of LLM_PROVIDER) overrides LLM_MODEL. */
export type LlmRouterRequest = Omit<LlmRequest, 'model'> & { model?: string };

/** First event of every routed stream: the "provider:model" that produces the events after it. */
export interface LlmModelEvent {
  type: 'model';
  ref: string;
}

export type LlmRouterEvent = LlmModelEvent | LlmEvent;

export interface LlmRouterDescription {
  provider: LlmProviderId | undefined;
  model: string | undefined;
  /** "provider:model" entries, in the order they are tried. */
  fallbacks: string[];
}

export interface LlmProbeResult {
  ref: string;
  ok: boolean;
  detail: string;
}

/**
 * The one way the gateway talks to models: LLM_PROVIDER:LLM_MODEL, then each of LLM_FALLBACKS,
 * with retries, a time limit per attempt and latency metrics. Works without any provider
 * configured (the gateway must start), but then `stream` fails with a message for the user.
 */
@Injectable()
export class LlmRouter {
  private readonly llm: LlmConfig;
  private readonly providers: Record<LlmProviderId, LlmProvider>;

  constructor(
    @InjectConfig() config: SwitchboardConfig,
    private readonly metrics: SwitchboardMetrics,
  ) {
    this.llm = config.llm;
    this.providers = createLlmProviders(config.llm);
  }

  isConfigured(): boolean {
    return this.primary() !== undefined;
  }

  describe(): LlmRouterDescription {
    return { provider: this.llm.provider, model: this.primary()?.model, fallbacks: [...this.llm.fallbacks] };
  }

  /** The configured model, then each fallback once, as "provider:model" (empty when none is configured). */
  models(): string[] {
    return this.isConfigured() ? this.chain(undefined).map(formatModelRef) : [];
  }

  /** The configured model a client means by `name`: one of `models()`, or the model part of one. */
  findModel(name: string): string | undefined {
    const ids = this.models();
    return ids.find((id) => id === name) ?? ids.find((id) => id.slice(id.indexOf(':') + 1) === name);
  }

  /**
   * Whether the model tried first for `model` (as in `stream`) takes a temperature. A fallback
   * that takes none answers without it.
   */
  takesTemperature(model?: string): boolean {
    return TAKES_TEMPERATURE[this.chain(model)[0].provider];
  }

  /**
   * Streams one answer. The first event is always `{type: 'model', ref}`, naming the model that
   * answers; text, tool calls, usage and `done` follow.
   *
   * Until that first event, failures are handled here: each model gets 1 + LLM_MAX_RETRIES
   * attempts of at most LLM_TIMEOUT_MS each (exponential backoff with jitter between them, never
   * shorter than a 429's retry-after), and AUTH_FAILED, PERMANENT or INVALID_INPUT move on to the
   * next model at once, as does a retry-after over 30 s. When every model failed, the last model's
   * DomainError is thrown (a RATE_LIMITED one keeps retryAfterMs for the queue). After the first
   * event, any failure is thrown as a DomainError: retrying means retrying the whole turn.
   *
   * When `signal` aborts, the request is cancelled and the stream throws `signal.reason`.
   * Without a configured provider it throws PERMANENT with a `userMessage` for the chat.
   */
  async *stream(request: LlmRouterRequest): AsyncGenerator<LlmRouterEvent, void, undefined> {
    const { model, signal, ...rest } = request;
    const chain = this.chain(model);
    let lastError: DomainError | undefined;
    for (const ref of chain) {
      for (let attempt = 1; ; attempt++) {
        signal?.throwIfAborted();
        const run = new LlmAttempt(this.providers[ref.provider], ref, rest, {
          timeoutMs: this.llm.timeoutMs,
          signal,
          latency: this.metrics.llmLatency,
        });
        let first: IteratorResult<LlmEvent>;
        try {
          first = await run.next();
        } catch (error) {
          if (signal?.aborted || !isDomainError(error)) throw error;
          lastError = error;
          const delay = this.retryDelay(attempt, error);
          if (delay === undefined) break;
          await pause(delay, signal);
          continue;
        }
        // The caller gets events from here on, so no other model may answer this request.
        try {
          yield { type: 'model', ref: formatModelRef(ref) };
          for (let next = first; !next.done; next = await run.next()) yield next.value;
        } finally {
          run.close();
        }
        return;
      }
    }
    throw lastError;
  }

  /** Asks each model's provider whether it is reachable (for `switchboard doctor`). */
  async probe(): Promise<LlmProbeResult[]> {
    if (!this.isConfigured()) return [];
    return Promise.all(
      this.chain(undefined).map(async (ref) => {
        const signal = AbortSignal.timeout(PROBE_TIMEOUT_MS);
        try {
          const details = await this.providers[ref.provider].healthProbe(signal);
          const detail = Object.entries(details).map(([key, value]) => `${key}: ${String(value)}`).join(', ');
          return { ref: formatModelRef(ref), ok: true, detail };
        } catch (error) {
          const detail = signal.aborted ? `no answer within ${PROBE_TIMEOUT_MS} ms` : errorText(error);
          return { ref: formatModelRef(ref), ok: false, detail };
        }
      }),
    );
  }

  private primary(): ModelRef | undefined {
    const { provider, model } = this.llm;
    // The configuration requires a model for every provider but echo, which answers to any name.
    return provider ? { provider, model: model ?? provider } : undefined;
  }

  /** The models to try, in order, without repeats. */
  private chain(requested: string | undefined): ModelRef[] {
    const primary = this.primary();
    if (!primary) {
      throw new DomainError(ErrorCode.PERMANENT, 'LLM_PROVIDER is not set', { userMessage: NO_MODEL_CONFIGURED_MESSAGE });
    }
    const first = requested ? parseModelRef(requested, primary.provider) : primary;
    const refs = [first, ...this.llm.fallbacks.map((text) => parseModelRef(text, primary.provider))];
    return [...new Map(refs.map((ref) => [formatModelRef(ref), ref])).values()];
  }

  /** Milliseconds before the next attempt on the same model, or undefined to move on. */
  private retryDelay(attempt: number, error: DomainError): number | undefined {
    if (!error.retryable || attempt > this.llm.maxRetries) return undefined;
    if ((error.retryAfterMs ?? 0) > MAX_RETRY_WAIT_MS) return undefined;
    return Math.min(retryDelayMs(attempt, BACKOFF_BASE_MS, error), MAX_RETRY_WAIT_MS);
  }
}

// Waits, but ends at once with the caller's reason when the caller aborts.
async function pause(ms: number, signal: AbortSignal | undefined): Promise<void> {
  await sleep(ms, undefined, { signal }).catch(() => signal?.throwIfAborted());
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
