import { performance } from 'node:perf_hooks';
import { Logger } from '@nestjs/common';
import { ControlPlaneMetrics } from '../ports/control-plane-metrics.port';
import { RequestFrame } from '../protocol/frame.schema';
import { DetailCodes, ErrorCodes, ErrorShape, errorShape } from '../protocol/protocol-error';
import { satisfiesScope } from '../protocol/scopes';
import { toErrorShape } from './error-mapping';
import { DedupeEntry, IdempotencyCache, MethodOutcome } from './idempotency.cache';
import { ConnectionInfo, MethodContext, MethodRegistry, RegisteredMethod } from './method.registry';

/** The connection a request came in on, as the dispatcher sees it. */
export interface DispatchTarget {
  readonly info: ConnectionInfo;
  readonly signal: AbortSignal;
  reply(id: string, outcome: MethodOutcome): void;
  sendEvent(event: string, payload: unknown): void;
}

/** Runs one request: method lookup, scope, params, dedupe, handler, response(s), metrics. */
export class RequestDispatcher {
  constructor(
    private readonly registry: MethodRegistry,
    private readonly cache: IdempotencyCache,
    private readonly metrics: ControlPlaneMetrics,
    private readonly logger: Logger,
  ) {}

  async dispatch(frame: RequestFrame, target: DispatchTarget): Promise<void> {
    const started = performance.now();
    const method = this.registry.get(frame.method);
    const outcome = method ? await this.answer(method, frame, target) : this.fail(target, frame.id, unknownMethod(frame.method));
    this.metrics.rpcCompleted(method ? method.name : 'unknown', performance.now() - started, outcome.ok);
  }

  private async answer(method: RegisteredMethod, frame: RequestFrame, target: DispatchTarget): Promise<MethodOutcome> {
    if (method.scope && !satisfiesScope(target.info.scopes, method.scope)) {
      const error = errorShape(ErrorCodes.FORBIDDEN, `missing scope: ${method.scope}`, {
        details: { code: DetailCodes.MISSING_SCOPE, missingScope: method.scope },
      });
      return this.fail(target, frame.id, error);
    }
    const params = method.validate(frame.params ?? {});
    if (!params.ok) {
      const error = errorShape(ErrorCodes.INVALID_REQUEST, `invalid ${method.name} params: ${params.message}`, {
        details: { code: DetailCodes.INVALID_PARAMS },
      });
      return this.fail(target, frame.id, error);
    }
    if (!method.dedupe) return this.invoke(method, params.value, frame.id, target, null);

    const key = dedupeKey(method.name, target.info, params.value);
    const first = this.cache.find(key);
    if (first) return replay(first, frame.id, target);
    const entry = this.cache.start(key);
    const outcome = await this.invoke(method, params.value, frame.id, target, entry);
    // A retryable failure (e.g. a queue that is down) must not pin the key for five minutes.
    if (!outcome.ok && outcome.error.retryable) this.cache.forget(key, entry);
    return outcome;
  }

  private async invoke(method: RegisteredMethod, params: unknown, id: string, target: DispatchTarget, entry: DedupeEntry | null): Promise<MethodOutcome> {
    let accepted = false;
    const context: MethodContext = {
      connection: target.info,
      requestId: id,
      signal: target.signal,
      sendEvent: (event, payload) => target.sendEvent(event, payload),
      accept: (payload) => {
        if (accepted) throw new Error(`${method.name}: accept() may be called once per request`);
        accepted = true;
        const response: MethodOutcome = { ok: true, payload };
        target.reply(id, response);
        entry?.publish(response, false);
      },
    };
    let outcome: MethodOutcome;
    try {
      outcome = { ok: true, payload: await method.handler(params, context) };
    } catch (error) {
      outcome = { ok: false, error: toErrorShape(error, this.logger) };
    }
    target.reply(id, outcome);
    entry?.publish(outcome, true);
    return outcome;
  }

  private fail(target: DispatchTarget, id: string, error: ErrorShape): MethodOutcome {
    const outcome: MethodOutcome = { ok: false, error };
    target.reply(id, outcome);
    return outcome;
  }
}

function replay(first: DedupeEntry, id: string, target: DispatchTarget): Promise<MethodOutcome> {
  return new Promise((resolve) =>
    first.replay((response, final) => {
      target.reply(id, response);
      if (final) resolve(response);
    }),
  );
}

// Keys are per principal: a guessable key must not hand one client another client's result.
function dedupeKey(method: string, caller: ConnectionInfo, params: unknown): string {
  const principal = caller.deviceId ?? caller.authMethod;
  return `${method}\u0000${principal}\u0000${(params as { idempotencyKey: string }).idempotencyKey}`;
}

function unknownMethod(name: string): ErrorShape {
  return errorShape(ErrorCodes.INVALID_REQUEST, `unknown method: ${name}`, { details: { code: DetailCodes.UNKNOWN_METHOD } });
}
