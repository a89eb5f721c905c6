import { DomainError, ErrorCode } from '@switchboard/core';
import type { Histogram } from 'prom-client';
import type { LlmEvent, LlmProvider, LlmRequest } from './llm-provider';
import { formatModelRef, type ModelRef } from './model-ref';
import { toDomainError } from './provider-errors';

export type LlmAttemptOutcome = 'ok' | 'error' | 'timeout' | 'aborted';

export interface LlmAttemptOptions {
  timeoutMs: number;
  /** The caller's signal; the attempt stops when it fires. */
  signal?: AbortSignal;
  latency: Histogram<'provider' | 'model' | 'outcome'>;
}

/**
 * One request to one model. It owns the request's abort controller, fired by the caller's signal
 * or by the timeout, and records one latency sample when it ends.
 */
export class LlmAttempt {
  private readonly controller = new AbortController();
  private readonly events: AsyncIterator<LlmEvent>;
  private readonly timer: NodeJS.Timeout;
  private readonly startedAt = performance.now();
  private timedOut = false;
  private outcome: LlmAttemptOutcome | undefined;
  private readonly onCallerAbort = () => this.controller.abort();

  constructor(
    provider: LlmProvider,
    private readonly ref: ModelRef,
    request: Omit<LlmRequest, 'model' | 'signal'>,
    private readonly options: LlmAttemptOptions,
  ) {
    this.events = provider.stream({ ...request, model: ref.model, signal: this.controller.signal })[Symbol.asyncIterator]();
    this.timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort();
    }, options.timeoutMs);
    options.signal?.addEventListener('abort', this.onCallerAbort, { once: true });
  }

  /**
   * The next event. Rejects with the caller's abort reason when the caller aborted, otherwise with
   * a DomainError (TEMPORARY when the attempt ran out of time).
   */
  async next(): Promise<IteratorResult<LlmEvent>> {
    try {
      const result = await this.events.next();
      // `done` is the last event: a caller may stop reading there.
      if (result.done || result.value.type === 'done') this.end('ok');
      return result;
    } catch (error) {
      throw this.failure(error);
    }
  }

  /** Ends an attempt whose events are no longer wanted, cancelling its request. */
  close(): void {
    if (this.outcome) return;
    this.end('aborted');
    this.controller.abort();
  }

  private failure(error: unknown): unknown {
    const source = formatModelRef(this.ref);
    if (this.options.signal?.aborted) {
      this.end('aborted');
      return this.options.signal.reason;
    }
    if (this.timedOut) {
      this.end('timeout');
      return new DomainError(ErrorCode.TEMPORARY, `${source}: no complete answer within ${this.options.timeoutMs} ms`, {
        cause: error,
      });
    }
    this.end('error');
    return toDomainError(error, source);
  }

  private end(outcome: LlmAttemptOutcome): void {
    if (this.outcome) return;
    this.outcome = outcome;
    clearTimeout(this.timer);
    this.options.signal?.removeEventListener('abort', this.onCallerAbort);
    const seconds = (performance.now() - this.startedAt) / 1000;
    this.options.latency.observe({ provider: this.ref.provider, model: this.ref.model, outcome }, seconds);
  }
}
