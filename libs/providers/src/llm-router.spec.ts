import { loadConfig } from '@switchboard/config';
import { DomainError, ErrorCode } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { FakeLlmServer } from '@switchboard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LlmMessage } from './llm-provider';
import { LlmRouter, type LlmRouterEvent, NO_MODEL_CONFIGURED_MESSAGE } from './llm-router';
import { collectEvents, textOf, until } from './testing/stream-helpers';

const server = new FakeLlmServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.reset());

const messages: LlmMessage[] = [{ role: 'user', content: 'Hello' }];

/** A router on the fake server: main model "openai-compatible:main", settings as environment variables. */
function routerWith(env: Record<string, string> = {}) {
  const config = loadConfig({
    env: {
      LLM_PROVIDER: 'openai-compatible',
      LLM_MODEL: 'main',
      LLM_MAX_RETRIES: '0',
      OPENAI_BASE_URL: server.openaiBaseUrl,
      OPENAI_API_KEY: 'sk-test',
      ANTHROPIC_BASE_URL: server.anthropicBaseUrl,
      ANTHROPIC_API_KEY: 'sk-ant-test',
      OLLAMA_HOST: server.ollamaHost,
      ...env,
    },
  });
  const metrics = new SwitchboardMetrics();
  return { router: new LlmRouter(config, metrics), metrics };
}

/** Attempts recorded in the latency histogram, as "provider:model outcome" → count. */
async function attempts(metrics: SwitchboardMetrics): Promise<Record<string, number>> {
  const { values } = await metrics.llmLatency.get();
  return Object.fromEntries(
    values
      .filter((sample) => sample.metricName?.endsWith('_count'))
      .map((sample) => [`${sample.labels.provider}:${sample.labels.model} ${sample.labels.outcome}`, sample.value]),
  );
}

async function failureOf(stream: AsyncIterable<LlmRouterEvent>, events: LlmRouterEvent[] = []): Promise<unknown> {
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    return error;
  }
  throw new Error('the stream did not fail');
}

describe('LlmRouter', () => {
  it('announces the answering model first, then streams its answer', async () => {
    const { router, metrics } = routerWith();
    server.enqueue({ text: 'Hi there!', usage: { inputTokens: 3, outputTokens: 2 } });

    const events = await collectEvents(router.stream({ messages }));

    expect(events[0]).toEqual({ type: 'model', ref: 'openai-compatible:main' });
    expect(textOf(events)).toBe('Hi there!');
    expect(events.slice(-2)).toEqual([
      { type: 'usage', inputTokens: 3, outputTokens: 2 },
      { type: 'done', stopReason: 'end' },
    ]);
    expect(await attempts(metrics)).toEqual({ 'openai-compatible:main ok': 1 });
  });

  it('uses an explicit provider:model, or a bare model name on the configured provider', async () => {
    const { router } = routerWith();

    const explicit = await collectEvents(router.stream({ messages, model: 'anthropic:claude-x' }));
    const bare = await collectEvents(router.stream({ messages, model: 'other-model' }));

    expect(explicit[0]).toEqual({ type: 'model', ref: 'anthropic:claude-x' });
    expect(bare[0]).toEqual({ type: 'model', ref: 'openai-compatible:other-model' });
    expect(server.requests.map((request) => [request.api, request.model])).toEqual([
      ['anthropic', 'claude-x'],
      ['openai', 'other-model'],
    ]);
  });

  it('retries a 429 no sooner than its retry-after', async () => {
    const { router } = routerWith({ LLM_MAX_RETRIES: '1' });
    server.enqueue({ error: { status: 429, retryAfter: 1 } }, { text: 'worth the wait' });

    const events = await collectEvents(router.stream({ messages }));

    expect(textOf(events)).toBe('worth the wait');
    const [first, second] = server.requests.map((request) => request.receivedAt.getTime());
    expect(second - first).toBeGreaterThanOrEqual(1_000);
  });

  it('moves on to the fallback instead of waiting out a long retry-after', async () => {
    const { router } = routerWith({ LLM_MAX_RETRIES: '2', LLM_FALLBACKS: 'anthropic:claude-backup' });
    server.enqueue({ error: { status: 429, retryAfter: 60 } }, { text: 'no waiting' });

    // Waiting (even the capped 30 s) would outlast the test's time limit.
    const events = await collectEvents(router.stream({ messages }));

    expect(events[0]).toEqual({ type: 'model', ref: 'anthropic:claude-backup' });
    expect(server.requests.map((request) => [request.api, request.model])).toEqual([
      ['openai', 'main'],
      ['anthropic', 'claude-backup'],
    ]);
  });

  it('falls back to the next model once the retries of a failing one are used up', async () => {
    const { router, metrics } = routerWith({ LLM_MAX_RETRIES: '1', LLM_FALLBACKS: 'anthropic:claude-backup' });
    server.enqueue({ error: { status: 500 } }, { error: { status: 500 } }, { text: 'backup answer' });

    const events = await collectEvents(router.stream({ messages }));

    expect(events[0]).toEqual({ type: 'model', ref: 'anthropic:claude-backup' });
    expect(textOf(events)).toBe('backup answer');
    expect(server.requests.map((request) => request.model)).toEqual(['main', 'main', 'claude-backup']);
    expect(await attempts(metrics)).toEqual({ 'openai-compatible:main error': 2, 'anthropic:claude-backup ok': 1 });
  });

  it('does not retry a model whose key is refused, and moves on to the fallback', async () => {
    const { router } = routerWith({ LLM_MAX_RETRIES: '2', LLM_FALLBACKS: 'ollama:llama3.2:3b' });
    server.enqueue({ error: { status: 401 } }, { text: 'from the llama' });

    const events = await collectEvents(router.stream({ messages }));

    expect(events[0]).toEqual({ type: 'model', ref: 'ollama:llama3.2:3b' });
    expect(server.requests.map((request) => [request.api, request.model])).toEqual([
      ['openai', 'main'],
      ['ollama', 'llama3.2:3b'],
    ]);
  });

  it('throws the last model’s error when every model failed', async () => {
    const { router } = routerWith({ LLM_FALLBACKS: 'anthropic:claude-backup' });
    server.enqueue({ error: { status: 401 } }, { error: { status: 503 } });

    const error = await failureOf(router.stream({ messages }));

    expect(error).toMatchObject({ code: ErrorCode.TEMPORARY, message: expect.stringMatching(/^anthropic:claude-backup: /) });
  });

  it('gives a hanging model TEMPORARY after LLM_TIMEOUT_MS', async () => {
    const { router, metrics } = routerWith({ LLM_TIMEOUT_MS: '300' });
    server.enqueue({ hang: 'no-response' });

    const error = await failureOf(router.stream({ messages }));

    expect(error).toMatchObject({ code: ErrorCode.TEMPORARY, message: expect.stringContaining('no complete answer within 300 ms') });
    expect(await attempts(metrics)).toEqual({ 'openai-compatible:main timeout': 1 });
    await until(() => server.requests[0].aborted);
  });

  it('neither retries nor falls back once the first delta reached the caller', async () => {
    const { router } = routerWith({ LLM_TIMEOUT_MS: '300', LLM_MAX_RETRIES: '2', LLM_FALLBACKS: 'anthropic:claude-backup' });
    server.enqueue({ text: 'abcdef', chunks: 3, hang: 'mid-stream' });
    const events: LlmRouterEvent[] = [];

    const error = await failureOf(router.stream({ messages }), events);

    expect(error).toBeInstanceOf(DomainError);
    expect(error).toMatchObject({ code: ErrorCode.TEMPORARY });
    expect(events).toEqual([
      { type: 'model', ref: 'openai-compatible:main' },
      { type: 'text', delta: 'ab' },
    ]);
    expect(server.requests).toHaveLength(1);
  });

  it('stops at once when the caller aborts, and the server sees the client leave', async () => {
    const { router, metrics } = routerWith({ LLM_MAX_RETRIES: '2', LLM_FALLBACKS: 'anthropic:claude-backup' });
    server.enqueue({ hang: 'no-response' });
    const controller = new AbortController();
    const failing = failureOf(router.stream({ messages, signal: controller.signal }));
    await until(() => server.requests.length === 1);

    // The model never answers: only the abort can end the stream.
    controller.abort(new Error('user pressed stop'));

    expect(await failing).toMatchObject({ message: 'user pressed stop' });
    await until(() => server.requests[0].aborted);
    expect(server.requests).toHaveLength(1);
    expect(await attempts(metrics)).toEqual({ 'openai-compatible:main aborted': 1 });
  });

  // The retry waits 25 s: only a pause that ends with the abort finishes within the test's limit.
  it('stops waiting for a retry when the caller aborts', { timeout: 10_000 }, async () => {
    const { router } = routerWith({ LLM_MAX_RETRIES: '1' });
    server.enqueue({ error: { status: 429, retryAfter: 25 } });
    const controller = new AbortController();
    const failing = failureOf(router.stream({ messages, signal: controller.signal }));
    await until(() => server.requests.length === 1);

    controller.abort();

    expect(await failing).toMatchObject({ name: 'AbortError' });
    expect(server.requests).toHaveLength(1);
  });

  it('cancels the request when the caller stops reading early', async () => {
    const { router, metrics } = routerWith();
    server.enqueue({ text: 'a long answer nobody reads', chunks: 5, chunkDelayMs: 50 });

    for await (const event of router.stream({ messages })) {
      if (event.type === 'text') break;
    }

    await until(() => server.requests[0].aborted);
    expect(await attempts(metrics)).toEqual({ 'openai-compatible:main aborted': 1 });
  });

  it('tells whether the model tried first takes a temperature', () => {
    const { router } = routerWith({ LLM_FALLBACKS: 'anthropic:claude-backup' });

    expect(router.takesTemperature()).toBe(true);
    expect(router.takesTemperature('anthropic:claude-x')).toBe(false);
    expect(router.takesTemperature('ollama:llama3.2:3b')).toBe(true);
  });

  it('passes the output limit and temperature to the provider', async () => {
    const { router } = routerWith();

    await collectEvents(router.stream({ messages, maxOutputTokens: 77, temperature: 1.1 }));

    expect(server.requests[0].sampling).toEqual({ maxOutputTokens: 77, temperature: 1.1 });
  });

  it('describes and probes the configured models', async () => {
    const { router } = routerWith({ LLM_FALLBACKS: 'ollama:llama3,anthropic:claude-backup' });
    const keyless = routerWith({ LLM_PROVIDER: 'anthropic', LLM_MODEL: 'claude-x', ANTHROPIC_API_KEY: '' }).router;

    expect(router.isConfigured()).toBe(true);
    expect(router.describe()).toEqual({
      provider: 'openai-compatible',
      model: 'main',
      fallbacks: ['ollama:llama3', 'anthropic:claude-backup'],
    });
    expect(await router.probe()).toEqual([
      { ref: 'openai-compatible:main', ok: true, detail: `baseUrl: ${server.openaiBaseUrl}, models: 1` },
      { ref: 'ollama:llama3', ok: true, detail: `host: ${server.ollamaHost}, models: 1` },
      { ref: 'anthropic:claude-backup', ok: true, detail: `baseUrl: ${server.anthropicBaseUrl}, models: 1` },
    ]);
    expect(await keyless.probe()).toEqual([{ ref: 'anthropic:claude-x', ok: false, detail: 'ANTHROPIC_API_KEY is not set' }]);
  });

  describe('with no provider configured', () => {
    const unconfigured = () => routerWith({ LLM_PROVIDER: '', LLM_MODEL: '' }).router;

    it('tells the user so instead of calling anything', async () => {
      const error = await failureOf(unconfigured().stream({ messages }));

      expect(error).toMatchObject({ code: ErrorCode.PERMANENT, userMessage: NO_MODEL_CONFIGURED_MESSAGE });
      expect(server.requests).toHaveLength(0);
    });

    it('reports itself unconfigured', async () => {
      const router = unconfigured();

      expect(router.isConfigured()).toBe(false);
      expect(router.describe()).toEqual({ provider: undefined, model: undefined, fallbacks: [] });
      expect(await router.probe()).toEqual([]);
    });
  });
});
