import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DirectChatService } from '@switchboard/agent';
import type { DirectChatEvent } from '@switchboard/agent';
import type { ApiKeyRecord } from '@switchboard/persistence';
import { ModelCatalog } from '../models/model-catalog';
import { type ChatCompletionRequest, requestedMaxTokens } from './chat-completion.request';
import { conversationFor, earlierMessagesOf, newInputOf } from './conversation';

/** A completion whose model has started answering. */
export interface StartedCompletion {
  id: string;
  /** Unix seconds. */
  created: number;
  /** "provider:model" that answers (a fallback when the first model failed). */
  model: string;
  /** The rest of the answer: text deltas, usage, done. */
  events: AsyncGenerator<DirectChatEvent>;
}

/**
 * One API request as a turn of a Switchboard session (see conversationFor): the agent's system
 * prompt and the stored messages are those of any chat. The request's last user message is the
 * new input. A request naming its session (`user`, X-Session-Key) continues that session's stored
 * history and its other messages are not used; a request without one is its own session, whose
 * history is the request's earlier user and assistant messages. System messages of the request
 * are never used (AGENT_SYSTEM_PROMPT stands in for them). `max_tokens` (at most
 * AGENT_MAX_OUTPUT_TOKENS) and `temperature` go to the model.
 */
@Injectable()
export class CreateChatCompletionUseCase {
  constructor(
    private readonly chat: DirectChatService,
    private readonly models: ModelCatalog,
  ) {}

  /** Resolves once the model answers, so that earlier failures can still get an HTTP status. */
  async execute(key: ApiKeyRecord, request: ChatCompletionRequest, sessionKey: string | undefined, signal: AbortSignal): Promise<StartedCompletion> {
    const model = this.models.resolve(request.model);
    const temperature = request.temperature ?? undefined;
    this.models.checkTemperature(model, temperature);
    const text = newInputOf(request.messages);
    const conversation = conversationFor(key.id, { sessionKey, user: request.user });
    const events = this.chat.chat({
      platform: 'api',
      conversationId: conversation.id,
      sender: { id: key.id, displayName: key.name },
      text,
      earlierMessages: conversation.stateless ? earlierMessagesOf(request.messages) : [],
      model,
      maxOutputTokens: requestedMaxTokens(request),
      temperature,
      signal,
    });
    for (;;) {
      const next = await events.next();
      if (next.done) throw new Error('the turn ended before any model answered');
      if (next.value.type === 'model') {
        return { id: `chatcmpl-${randomBytes(15).toString('hex')}`, created: Math.floor(Date.now() / 1000), model: next.value.ref, events };
      }
    }
  }
}
