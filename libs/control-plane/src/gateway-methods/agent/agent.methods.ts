import { Injectable } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { LlmRouter } from '@switchboard/providers';
import { CoreMethodParams, CoreMethodParamsOf } from '../../ws/protocol/method-params.schema';
import { ControlPlaneServer } from '../../ws/server/control-plane.server';
import { MethodContext } from '../../ws/server/method.registry';
import { invalid, refuseUnsupported, senderOf } from '../chat/chat-request';
import { ChatTurnOutcome, ChatTurnRunner } from '../chat/chat-turn.runner';
import { MethodGroup } from '../method-group';
import { chooseModel } from '../models/model-choice';
import { DEFAULT_CONVERSATION, WEBCHAT_PLATFORM, webchatConversation } from '../sessions/webchat-session';

type AgentParams = CoreMethodParamsOf<'agent'>;

/**
 * `agent`, two-phase: `{runId, status: "accepted"}` at once, `agent` events to the caller
 * (lifecycle, assistant text, usage), then a second response with the result. The run id is the
 * idempotency key (openclaw-node matches events by it). The run stops when the caller's
 * connection closes: nobody is left to receive its result (the exchange stays in the session).
 *
 * Of openclaw-node's options, `provider`/`model` choose among the configured models; `thinking`,
 * `label` and `timeout` are accepted and ignored (no thinking levels or session labels here, and
 * LLM_TIMEOUT_MS bounds the model); attachments (chat.send takes images), an extra system prompt
 * and delivery to a channel are refused.
 */
@Injectable()
export class AgentMethods implements MethodGroup {
  constructor(
    private readonly runner: ChatTurnRunner,
    private readonly router: LlmRouter,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  register(server: ControlPlaneServer): void {
    server.registerMethod('agent', {
      scope: 'operator.write',
      schema: CoreMethodParams.agent,
      dedupe: true,
      handler: (params, context) => this.run(params, context),
    });
  }

  private async run(params: AgentParams, context: MethodContext) {
    this.refuseRouting(params);
    if (params.attachments?.length) throw invalid('attachments are not supported by agent: send images with chat.send');
    refuseUnsupported(params);
    const conversation = webchatConversation(this.config.agent.id, params.sessionKey ?? DEFAULT_CONVERSATION);
    const model = chooseModel(this.router, params.provider && params.model ? `${params.provider}:${params.model}` : params.model);
    const runId = params.idempotencyKey;
    let seq = 0;
    const event = (stream: string, data: Record<string, unknown>) =>
      context.sendEvent('agent', { runId, sessionKey: conversation.sessionKey, seq: ++seq, stream, data, ts: Date.now() });

    const startedAt = Date.now();
    const done = this.runner.run(
      { runId, conversation, sender: senderOf(context.connection), text: params.message, model, signal: context.signal },
      {
        onDelta: (delta, text) => event('assistant', { text, delta }),
        onUsage: (usage) => event('usage', { ...usage }),
      },
    );
    context.accept({ runId, status: 'accepted', acceptedAt: startedAt });
    event('lifecycle', { phase: 'start', startedAt });
    const outcome = await done;
    const endedAt = Date.now();
    if (outcome.state !== 'final') {
      const error = outcome.state === 'aborted' ? 'aborted' : outcome.error;
      event('lifecycle', { phase: 'error', error, endedAt });
      return { runId, status: 'error', summary: error };
    }
    event('lifecycle', { phase: 'end', endedAt });
    return { runId, status: 'ok', summary: 'completed', result: resultOf(outcome, conversation.sessionKey, endedAt - startedAt) };
  }

  private refuseRouting(params: AgentParams): void {
    if (params.agentId !== undefined && params.agentId !== this.config.agent.id) throw invalid(`unknown agent ${params.agentId}`);
    if (params.deliver === true || params.to !== undefined) throw invalid('delivery to a channel is not supported here: call send with the reply');
    if (params.channel !== undefined && params.channel !== WEBCHAT_PLATFORM) throw invalid(`agent runs in web chat sessions only, not on ${params.channel}`);
  }
}

function resultOf(outcome: Extract<ChatTurnOutcome, { state: 'final' }>, sessionKey: string, durationMs: number) {
  return {
    payloads: [{ text: outcome.text }],
    meta: { sessionKey, durationMs, model: outcome.model, ...(outcome.usage ? { usage: outcome.usage } : {}) },
  };
}
