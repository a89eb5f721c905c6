import { Injectable } from '@nestjs/common';
import { LlmRouter, NO_MODEL_CONFIGURED_MESSAGE } from '@switchboard/providers';
import { NO_RETRY, OpenAiError } from '../errors/openai-error';

export interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: 'switchboard';
}

/**
 * The models API clients may pick: the configured model and its fallbacks, named
 * "provider:model" as in LLM_FALLBACKS. Clients choose among these only, so a key cannot make
 * the gateway call (and pay for) a model the operator did not configure.
 */
@Injectable()
export class ModelCatalog {
  // OpenAI gives each model's creation time; here the time the gateway started serving it.
  private readonly created = Math.floor(Date.now() / 1000);

  constructor(private readonly router: LlmRouter) {}

  list(): { object: 'list'; data: OpenAiModel[] } {
    return { object: 'list', data: this.router.models().map((id) => ({ id, object: 'model', created: this.created, owned_by: 'switchboard' })) };
  }

  /**
   * The model for a request's `model`: one of the listed ids, or the model part of one
   * ("gpt-4o-mini" for "openai-compatible:gpt-4o-mini"). Undefined, the configured model, when the
   * request names none.
   */
  resolve(requested: string | undefined): string | undefined {
    if (!this.router.isConfigured()) throw new OpenAiError(503, NO_MODEL_CONFIGURED_MESSAGE, 'server_error', 'model_not_configured', null, NO_RETRY);
    if (!requested) return undefined;
    const match = this.router.findModel(requested);
    if (match) return match;
    const message = `The model \`${requested}\` does not exist or you do not have access to it. Available: ${this.router.models().join(', ')}.`;
    throw new OpenAiError(404, message, 'invalid_request_error', 'model_not_found', 'model');
  }
}
