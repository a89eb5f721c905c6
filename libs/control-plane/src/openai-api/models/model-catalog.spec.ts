import { describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { LlmRouter } from '@switchboard/providers';
import { SwitchboardMetrics } from '@switchboard/observability';
import { OpenAiError } from '../errors/openai-error';
import { ModelCatalog } from './model-catalog';

function catalog(llm: Record<string, unknown>): ModelCatalog {
  return new ModelCatalog(new LlmRouter(configSchema.parse({ llm }), new SwitchboardMetrics()));
}

const configured = () =>
  catalog({
    provider: 'openai-compatible',
    model: 'gpt-4o-mini',
    openaiBaseUrl: 'http://127.0.0.1:1/v1',
    openaiApiKey: 'sk-x',
    fallbacks: 'ollama:llama3.2:3b,openai-compatible:gpt-4o-mini',
    ollamaHost: 'http://127.0.0.1:1',
  });

function refusal(run: () => unknown): OpenAiError {
  try {
    run();
  } catch (error) {
    return error as OpenAiError;
  }
  throw new Error('no error');
}

describe('ModelCatalog', () => {
  it('lists the configured model, then each fallback once, as provider:model', () => {
    expect(configured().list()).toEqual({
      object: 'list',
      data: [
        { id: 'openai-compatible:gpt-4o-mini', object: 'model', created: expect.any(Number), owned_by: 'switchboard' },
        { id: 'ollama:llama3.2:3b', object: 'model', created: expect.any(Number), owned_by: 'switchboard' },
      ],
    });
  });

  it('lists nothing when no model is configured', () => {
    expect(catalog({}).list()).toEqual({ object: 'list', data: [] });
  });

  it('resolves a listed id or its model name, and no model to the configured one', () => {
    const models = configured();
    expect(models.resolve('ollama:llama3.2:3b')).toBe('ollama:llama3.2:3b');
    expect(models.resolve('llama3.2:3b')).toBe('ollama:llama3.2:3b');
    expect(models.resolve('gpt-4o-mini')).toBe('openai-compatible:gpt-4o-mini');
    expect(models.resolve(undefined)).toBeUndefined();
  });

  it('refuses a model the operator did not configure with 404 model_not_found', () => {
    const error = refusal(() => configured().resolve('gpt-5'));
    expect(error.status).toBe(404);
    expect(error.body.error).toMatchObject({ param: 'model', code: 'model_not_found', message: expect.stringContaining('openai-compatible:gpt-4o-mini') });
  });

  it('answers 503 when no model is configured', () => {
    const error = refusal(() => catalog({}).resolve(undefined));
    expect(error.status).toBe(503);
    expect(error.body.error).toMatchObject({ code: 'model_not_configured', message: expect.stringContaining('No model is configured') });
  });
});
