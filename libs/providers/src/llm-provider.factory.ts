import type { SwitchboardConfig } from '@switchboard/config';
import { EchoProvider } from './echo/echo.provider';
import { LazyLlmProvider } from './lazy-provider';
import type { LlmProvider } from './llm-provider';

export type LlmConfig = SwitchboardConfig['llm'];
export type LlmProviderId = NonNullable<LlmConfig['provider']>;

// Keyed by every id the configuration accepts, so the compiler reports a provider left out.
// Providers with an SDK load it on first use (see LazyLlmProvider).
const factories: Record<LlmProviderId, (llm: LlmConfig) => LlmProvider> = {
  'openai-compatible': (llm) =>
    new LazyLlmProvider('openai-compatible', async () => {
      const { OpenAiCompatibleProvider } = await import('./openai-compatible/openai-compatible.provider.js');
      return new OpenAiCompatibleProvider({ baseUrl: llm.openaiBaseUrl, apiKey: llm.openaiApiKey });
    }),
  anthropic: (llm) =>
    new LazyLlmProvider('anthropic', async () => {
      const { AnthropicProvider } = await import('./anthropic/anthropic.provider.js');
      return new AnthropicProvider({ baseUrl: llm.anthropicBaseUrl, apiKey: llm.anthropicApiKey });
    }),
  ollama: (llm) =>
    new LazyLlmProvider('ollama', async () => {
      const { OllamaProvider } = await import('./ollama/ollama.provider.js');
      return new OllamaProvider({ host: llm.ollamaHost });
    }),
  echo: () => new EchoProvider(),
};

/**
 * Whether a provider's API takes a sampling temperature. Anthropic's Messages API (the version its
 * SDK here speaks) has none; echo samples nothing but takes any request.
 */
export const TAKES_TEMPERATURE: Record<LlmProviderId, boolean> = {
  'openai-compatible': true,
  anthropic: false,
  ollama: true,
  echo: true,
};

export function isLlmProviderId(text: string): text is LlmProviderId {
  return Object.hasOwn(factories, text);
}

/** One adapter per provider id, set up from the `llm` configuration (no network yet). */
export function createLlmProviders(llm: LlmConfig): Record<LlmProviderId, LlmProvider> {
  const ids = Object.keys(factories) as LlmProviderId[];
  return Object.fromEntries(ids.map((id) => [id, factories[id](llm)])) as Record<LlmProviderId, LlmProvider>;
}
