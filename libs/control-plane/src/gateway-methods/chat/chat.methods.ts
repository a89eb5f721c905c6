import { Injectable } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { LlmRouter } from '@switchboard/providers';
import { CoreMethodParams } from '../../ws/protocol/method-params.schema';
import { ControlPlaneServer } from '../../ws/server/control-plane.server';
import { MethodGroup } from '../method-group';
import { chooseModel } from '../models/model-choice';
import { webchatConversation } from '../sessions/webchat-session';
import { imagesOf } from './chat-attachments';
import { refuseUnsupported, senderOf } from './chat-request';
import { ChatRunRegistry } from './chat-run.registry';
import { ChatTurnOutcome, ChatTurnRunner } from './chat-turn.runner';

const ABORT_ON_REPLICAS = 'replica.chat.abort';

/**
 * `chat.send` and `chat.abort`. A send is answered at once with `{runId, status: "accepted"}`;
 * the run then goes on without its caller (a page reload does not stop it) and its `chat` events
 * go to every connection holding operator.read, so each open chat window follows the session.
 * The run id is the idempotency key, as OpenClaw clients expect. Image attachments go to the
 * model with the message (see imagesOf for what is accepted).
 */
@Injectable()
export class ChatMethods implements MethodGroup {
  constructor(
    private readonly runner: ChatTurnRunner,
    private readonly runs: ChatRunRegistry,
    private readonly router: LlmRouter,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  register(server: ControlPlaneServer): void {
    server.registerMethod('chat.send', {
      scope: 'operator.write',
      schema: CoreMethodParams['chat.send'],
      dedupe: true,
      handler: ({ sessionKey, message, idempotencyKey, attachments }, { connection }) => {
        const images = imagesOf(attachments);
        refuseUnsupported({ message }, images.length);
        const conversation = webchatConversation(this.config.agent.id, sessionKey);
        // Refused now, not as a failed run, when no model is configured.
        chooseModel(this.router);
        const runId = idempotencyKey;
        let seq = 0;
        const emit = (state: string, fields: Record<string, unknown> = {}) =>
          server.publish('chat', { runId, sessionKey: conversation.sessionKey, seq: ++seq, state, ...fields });
        const run = this.runner.run(
          { runId, conversation, sender: senderOf(connection), text: message, images },
          { onDelta: (delta) => emit('delta', { deltaText: delta }) },
        );
        void run.then((outcome) => emit(outcome.state, finalFields(outcome)));
        return { runId, status: 'accepted', sessionKey: conversation.sessionKey };
      },
    });

    server.registerMethod('chat.abort', {
      scope: 'operator.write',
      schema: CoreMethodParams['chat.abort'],
      handler: ({ sessionKey, runId }) => {
        const { sessionKey: key } = webchatConversation(this.config.agent.id, sessionKey);
        const runIds = this.runs.abort(key, runId);
        // The run may live on another replica; its `chat` event (state aborted) tells the client.
        server.tellReplicas(ABORT_ON_REPLICAS, { sessionKey: key, runId: runId ?? null });
        return { ok: true, aborted: runIds.length > 0, runIds };
      },
    });
    server.handleReplicaEvent(ABORT_ON_REPLICAS, (payload) => {
      const { sessionKey, runId } = (payload ?? {}) as { sessionKey?: unknown; runId?: unknown };
      if (typeof sessionKey !== 'string' || (runId !== null && typeof runId !== 'string')) throw new Error('not {sessionKey, runId}');
      this.runs.abort(sessionKey, runId ?? undefined);
    });
  }
}

function finalFields(outcome: ChatTurnOutcome): Record<string, unknown> {
  const message = { role: 'assistant', content: [{ type: 'text', text: outcome.text }], timestamp: Date.now() };
  if (outcome.state === 'final') return { message, stopReason: 'stop', ...(outcome.usage ? { usage: outcome.usage } : {}) };
  if (outcome.state === 'aborted') return { message, stopReason: 'aborted' };
  return { errorMessage: outcome.error };
}
