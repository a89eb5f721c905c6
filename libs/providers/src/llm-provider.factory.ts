import type { SwitchboardConfig } from '@switchboard/config';
import { AnthropicProvider } from './anthropic/anthropic.provider';
import { EchoProvider } from './echo/echo.provider';
import type { LlmProvider } from './llm-provider';
import { OllamaProvider } from './ollama/ollama.provider';
import { OpenAiCompatibleProvider } from './openai-compatible/openai-compatible.provider';

export type LlmConfig = SwitchboardConfig['llm'];
export type LlmProviderId = NonNullable<LlmConfig['provider']>;

// Keyed by every id the configuration accepts, so the compiler reports a provider left out.
const factories: Record<LlmProviderId, (llm: LlmConfig) => LlmProvider> = {
  'openai-compatible': (llm) => new OpenAiCompatibleProvider({ baseUrl: llm.openaiBaseUrl, apiKey: llm.openaiApiKey }),
  anthropic: (llm) => new AnthropicProvider({ baseUrl: llm.anthropicBaseUrl, apiKey: llm.anthropicApiKey }),
  ollama: (llm) => new OllamaProvider({ host: llm.ollamaHost }),
  echo: () => new EchoProvider(),
};

export function isLlmProviderId(text: string): text is LlmProviderId {
  return Object.hasOwn(factories, text);
}

/** One adapter per provider id, set up from the `llm` configuration (no network yet). */
export function createLlmProviders(llm: LlmConfig): Record<LlmProviderId, LlmProvider> {
  const ids = Object.keys(factories) as LlmProviderId[];
  return Object.fromEntries(ids.map((id) => [id, factories[id](llm)])) as Record<LlmProviderId, LlmProvider>;
}
