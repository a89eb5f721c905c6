import { randomBytes } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { DirectChatService } from '@switchboard/agent';
import type { DirectChatEvent } from '@switchboard/agent';
import type { ApiKeyRecord } from '@switchboard/persistence';
import { ModelCatalog } from '../models/model-catalog';
import type { ChatCompletionRequest } from './chat-completion.request';
import { conversationIdFor, newInputOf } from './conversation';

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
 * One API request as a turn of a Switchboard session (see conversationIdFor): the session's
 * history, the agent's system prompt and the stored messages are those of any chat. Only the
 * request's last user message is new input; its other messages, system ones included, are not
 * used (the session history and AGENT_SYSTEM_PROMPT stand in for them).
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
    const text = newInputOf(request.messages);
    const conversationId = conversationIdFor(key.id, { sessionKey, user: request.user, messages: request.messages });
    const events = this.chat.chat({ platform: 'api', conversationId, sender: { id: key.id, displayName: key.name }, text, model, signal });
    for (;;) {
      const next = await events.next();
      if (next.done) throw new Error('the turn ended before any model answered');
      if (next.value.type === 'model') {
        return { id: `chatcmpl-${randomBytes(15).toString('hex')}`, created: Math.floor(Date.now() / 1000), model: next.value.ref, events };
      }
    }
  }
}
