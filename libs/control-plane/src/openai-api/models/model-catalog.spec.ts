import { describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { LlmRouter } from '@switchboard/providers';
import { SwitchboardMetrics } from '@switchboard/observability';
import { OpenAiError } from '../errors/openai-error';
import { ModelCatalog } from './model-catalog';

function catalog(llm: Record<string, unknown>): ModelCatalog {
  const config = configSchema.parse({ llm, agent: { id: 'main' } });
  return new ModelCatalog(new LlmRouter(config, new SwitchboardMetrics()), config);
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
        { id: 'openclaw', object: 'model', created: expect.any(Number), owned_by: 'switchboard' },
        { id: 'openclaw:main', object: 'model', created: expect.any(Number), owned_by: 'switchboard' },
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

  it("takes OpenClaw's names for the agent as the configured model", () => {
    const models = configured();
    expect(models.resolve('openclaw')).toBeUndefined();
    expect(models.resolve('openclaw:main')).toBeUndefined();
    expect(models.resolve('agent:main')).toBeUndefined();
  });

  it('refuses an agent this gateway does not serve with 404 model_not_found', () => {
    const error = refusal(() => configured().resolve('openclaw:beta'));
    expect(error.status).toBe(404);
    expect(error.body.error).toMatchObject({ param: 'model', code: 'model_not_found', message: expect.stringContaining('`openclaw:main`') });
  });

  it('refuses a temperature for a model that takes none, naming the parameter', () => {
    const models = configured();
    expect(() => models.checkTemperature(undefined, 0.5)).not.toThrow();
    expect(() => models.checkTemperature('ollama:llama3.2:3b', 0.5)).not.toThrow();
    expect(() => models.checkTemperature('anthropic:claude-x', undefined)).not.toThrow();
    const error = refusal(() => models.checkTemperature('anthropic:claude-x', 0.5));
    expect(error.status).toBe(400);
    expect(error.body.error).toMatchObject({ param: 'temperature', code: 'unsupported_parameter', message: expect.stringContaining('anthropic:claude-x') });
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
