import { DomainError, ErrorCode } from '@switchboard/core';
import { isLlmProviderId, type LlmProviderId } from './llm-provider.factory';

/** A model on a provider, written "provider:model" (e.g. "ollama:llama3.2:3b"). */
export interface ModelRef {
  provider: LlmProviderId;
  model: string;
}

export function formatModelRef(ref: ModelRef): string {
  return `${ref.provider}:${ref.model}`;
}

/**
 * Reads "provider:model", or a bare model name meant for `defaultProvider`. Model names may hold
 * colons themselves (Ollama tags), so only a known provider id counts as a prefix.
 */
export function parseModelRef(text: string, defaultProvider: LlmProviderId): ModelRef {
  const colon = text.indexOf(':');
  const prefix = text.slice(0, colon);
  const ref: ModelRef =
    colon > 0 && isLlmProviderId(prefix)
      ? { provider: prefix, model: text.slice(colon + 1).trim() }
      : { provider: defaultProvider, model: text.trim() };
  if (!ref.model) throw new DomainError(ErrorCode.INVALID_INPUT, `"${text}" names no model`);
  return ref;
}
