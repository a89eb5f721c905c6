import { Injectable } from '@nestjs/common';
import { InjectConfig, type SwitchboardConfig } from '@switchboard/config';
import { LlmRouter, NO_MODEL_CONFIGURED_MESSAGE } from '@switchboard/providers';
import { NO_RETRY, OpenAiError, unsupportedParameter } from '../errors/openai-error';

export interface OpenAiModel {
  id: string;
  object: 'model';
  created: number;
  owned_by: 'switchboard';
}

// OpenClaw clients name the agent rather than a model: "openclaw", "openclaw:<agentId>" or "agent:<agentId>".
const AGENT_NAME = /^(?:openclaw|agent):(.+)$/;

/**
 * The models API clients may pick: the configured model and its fallbacks, named
 * "provider:model" as in LLM_FALLBACKS, and the agent under OpenClaw's names ("openclaw",
 * "openclaw:<AGENT_ID>"), which means the configured model. Clients choose among these only, so a
 * key cannot make the gateway call (and pay for) a model the operator did not configure.
 */
@Injectable()
export class ModelCatalog {
  // OpenAI gives each model's creation time; here the time the gateway started serving it.
  private readonly created = Math.floor(Date.now() / 1000);
  private readonly agentId: string;

  constructor(
    private readonly router: LlmRouter,
    @InjectConfig() config: SwitchboardConfig,
  ) {
    this.agentId = config.agent.id;
  }

  list(): { object: 'list'; data: OpenAiModel[] } {
    const models = this.router.models();
    const ids = models.length ? [...models, 'openclaw', `openclaw:${this.agentId}`] : [];
    return { object: 'list', data: ids.map((id) => ({ id, object: 'model', created: this.created, owned_by: 'switchboard' })) };
  }

  /**
   * The model for a request's `model`: one of the listed ids, or the model part of one
   * ("gpt-4o-mini" for "openai-compatible:gpt-4o-mini"). Undefined, the configured model, when the
   * request names none or names the agent.
   */
  resolve(requested: string | undefined): string | undefined {
    if (!this.router.isConfigured()) throw new OpenAiError(503, NO_MODEL_CONFIGURED_MESSAGE, 'server_error', 'model_not_configured', null, NO_RETRY);
    if (!requested || requested === 'openclaw') return undefined;
    const match = this.router.findModel(requested);
    if (match) return match;
    const agent = AGENT_NAME.exec(requested)?.[1];
    if (agent === this.agentId) return undefined;
    const message =
      agent === undefined
        ? `The model \`${requested}\` does not exist or you do not have access to it. Available: ${this.list().data.map((model) => model.id).join(', ')}.`
        : `The agent \`${agent}\` does not exist: this gateway serves the agent \`${this.agentId}\` (model \`openclaw:${this.agentId}\`).`;
    throw new OpenAiError(404, message, 'invalid_request_error', 'model_not_found', 'model');
  }

  /**
   * Refuses a `temperature` when the model that answers first (`model` as resolved, or the
   * configured one) takes none, rather than answering as if it had been used.
   */
  checkTemperature(model: string | undefined, temperature: number | undefined): void {
    if (temperature === undefined || this.router.takesTemperature(model)) return;
    const name = model ?? this.router.models()[0];
    throw unsupportedParameter('temperature', `Unsupported parameter: 'temperature' is not supported with the model \`${name}\`; send the request without it.`);
  }
}
