import { DomainError, ErrorCode } from '@switchboard/core';
import { FakeLlmServer } from '@switchboard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { AnthropicProvider } from './anthropic/anthropic.provider';
import type { LlmProvider } from './llm-provider';
import { OllamaProvider } from './ollama/ollama.provider';
import { OpenAiCompatibleProvider } from './openai-compatible/openai-compatible.provider';
import { retryAfterMs, toDomainError } from './provider-errors';
import { collectEvents } from './testing/stream-helpers';

const server = new FakeLlmServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.reset());

const adapters: Record<string, (url: string) => LlmProvider> = {
  'openai-compatible': (url) => new OpenAiCompatibleProvider({ baseUrl: `${url}/v1`, apiKey: 'sk-test' }),
  anthropic: (url) => new AnthropicProvider({ baseUrl: url, apiKey: 'sk-ant-test' }),
  ollama: (url) => new OllamaProvider({ host: url }),
};

async function failureOf(provider: LlmProvider): Promise<DomainError> {
  const error = await collectEvents(provider.stream({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

describe('toDomainError through each SDK', () => {
  const cases = [
    { status: 401, code: ErrorCode.AUTH_FAILED },
    { status: 403, code: ErrorCode.AUTH_FAILED },
    { status: 408, code: ErrorCode.TEMPORARY },
    { status: 500, code: ErrorCode.TEMPORARY },
    { status: 529, code: ErrorCode.TEMPORARY },
    { status: 400, code: ErrorCode.INVALID_INPUT },
    { status: 404, code: ErrorCode.PERMANENT },
    { status: 402, code: ErrorCode.PERMANENT },
  ];

  describe.each(Object.entries(adapters))('%s', (id, adapter) => {
    it.each(cases)('maps HTTP $status to $code', async ({ status, code }) => {
      server.enqueue({ error: { status, message: `scripted ${status}` } });

      const error = await failureOf(adapter(server.url));

      expect(error.code).toBe(code);
      expect(error.message).toMatch(new RegExp(`^${id}:m: .*scripted ${status}`));
    });

    it('maps a 429 to RATE_LIMITED', async () => {
      server.enqueue({ error: { status: 429, retryAfter: 7 } });

      const error = await failureOf(adapter(server.url));

      expect(error.code).toBe(ErrorCode.RATE_LIMITED);
      // The ollama client drops the response headers, so only the others know how long to wait.
      expect(error.retryAfterMs).toBe(id === 'ollama' ? undefined : 7_000);
    });

    it('maps a refused connection to TEMPORARY', async () => {
      const gone = new FakeLlmServer();
      await gone.start();
      const url = gone.url;
      await gone.stop();

      const error = await failureOf(adapter(url));

      expect(error.code).toBe(ErrorCode.TEMPORARY);
    });
  });
});

describe('toDomainError', () => {
  it('keeps a DomainError as it is', () => {
    const original = new DomainError(ErrorCode.AUTH_FAILED, 'no key');
    expect(toDomainError(original, 'anthropic:x')).toBe(original);
  });

  it('treats an error without an HTTP status as TEMPORARY and keeps it as the cause', () => {
    const cause = new TypeError('fetch failed');
    const error = toDomainError(cause, 'ollama:llama3');
    expect(error).toMatchObject({ code: ErrorCode.TEMPORARY, message: 'ollama:llama3: fetch failed', cause });
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-21T10:00:00Z');
  const headers = (entries: Record<string, string>) => new Headers(entries);

  it('reads seconds, fractions included', () => {
    expect(retryAfterMs(headers({ 'retry-after': '7' }))).toBe(7_000);
    expect(retryAfterMs(headers({ 'retry-after': '0.25' }))).toBe(250);
  });

  it('reads an HTTP date as the time left until then', () => {
    expect(retryAfterMs(headers({ 'retry-after': 'Sat, 21 Nov 2026 10:00:30 GMT' }), now)).toBe(30_000);
    expect(retryAfterMs(headers({ 'retry-after': 'Sat, 21 Nov 2026 09:59:00 GMT' }), now)).toBe(0);
  });

  it('prefers retry-after-ms', () => {
    expect(retryAfterMs(headers({ 'retry-after-ms': '1500', 'retry-after': '2' }))).toBe(1_500);
  });

  it('gives undefined when there is nothing usable', () => {
    expect(retryAfterMs(undefined)).toBeUndefined();
    expect(retryAfterMs(headers({}))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': 'soon' }))).toBeUndefined();
    expect(retryAfterMs(headers({ 'retry-after': '-3' }))).toBeUndefined();
  });
});
