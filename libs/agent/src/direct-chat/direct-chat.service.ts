import { createHash, randomUUID } from 'node:crypto';
import { Inject, Injectable } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import type { Attachment, InboundMessage } from '@switchboard/core';
import { TurnRepository } from '@switchboard/persistence';
import { LlmImage, LlmMessage, LlmRouter } from '@switchboard/providers';
import { SESSION_LOCK, type SessionLock, SessionService } from '@switchboard/sessions';
import { buildPrompt } from '../turn/prompt-builder';

export interface DirectChatRequest {
  /** The surface the conversation comes from: "api" (OpenAI-compatible API), "webchat", ... */
  platform: string;
  /** The conversation's id on that surface (API `user`, a web chat session, ...). */
  conversationId: string;
  sender: { id: string; displayName?: string };
  text: string;
  /**
   * Images sent with the text: shown to the model in this turn; the message keeps their type, name,
   * size and SHA-256 (not their content, so later turns see the text only).
   */
  images?: LlmImage[];
  /**
   * Messages of the conversation the caller holds and the session does not (a stateless API
   * request): the last AGENT_HISTORY_MESSAGES of them are sent after the session's history, before
   * `text`, and none is stored.
   */
  earlierMessages?: LlmMessage[];
  /** provider:model or a model name; the configured model when absent. */
  model?: string;
  /** The caller's output limit; AGENT_MAX_OUTPUT_TOKENS caps it. */
  maxOutputTokens?: number;
  /** Sampling temperature, for models that take one. */
  temperature?: number;
  signal?: AbortSignal;
}

export type DirectChatEvent =
  | { type: 'session'; key: string }
  | { type: 'model'; ref: string }
  | { type: 'text'; delta: string }
  | { type: 'usage'; inputTokens: number; outputTokens: number }
  | { type: 'done'; text: string };

/**
 * A turn answered to the caller directly (an HTTP response, a WebSocket) rather than delivered to
 * a chat platform: the same session, history and stored messages as chat users get, without the
 * queue, because the caller holds the connection and sees any failure.
 */
@Injectable()
export class DirectChatService {
  constructor(
    private readonly sessions: SessionService,
    private readonly turns: TurnRepository,
    @Inject(SESSION_LOCK) private readonly lock: SessionLock,
    private readonly router: LlmRouter,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  async *chat(request: DirectChatRequest): AsyncGenerator<DirectChatEvent> {
    const message: InboundMessage = {
      platform: request.platform,
      accountId: 'default',
      chatType: 'dm',
      chatId: request.conversationId,
      platformMessageId: randomUUID(),
      sender: request.sender,
      text: request.text,
      attachments: (request.images ?? []).map(attachmentOf),
      mentionsBot: true,
      repliesToBot: false,
      receivedAt: new Date(),
    };
    const sessionKey = this.sessions.keyFor(message);
    yield { type: 'session', key: sessionKey };
    const events: DirectChatEvent[] = [];
    let wake: (() => void) | undefined;
    let finished = false;
    let failure: unknown;
    // The turn runs under the session lock; its events are handed to this generator as they come.
    const run = this.lock
      .run(sessionKey, async (lease) => {
        // Stored under the lock: a message sent while another turn of the session runs sees its reply.
        const accepted = await this.sessions.acceptInbound(message);
        const session = accepted.session;
        const inbound = accepted.message!; // its platform message id is new, so never a duplicate
        const { turn, history } = (await this.turns.start(inbound.id, this.config.agent.historyMessages, lease.token))!;
        try {
          const prompt = withCallerParts(buildPrompt(this.config.agent.systemPrompt, session, history, inbound), request, this.config.agent.historyMessages);
          let text = '';
          let model: string | null = null;
          let usage: { inputTokens?: number; outputTokens?: number } = {};
          const stream = this.router.stream({
            messages: prompt,
            model: request.model,
            maxOutputTokens: Math.min(request.maxOutputTokens ?? Infinity, this.config.agent.maxOutputTokens),
            temperature: request.temperature,
            signal: request.signal,
          });
          for await (const event of stream) {
            if (event.type === 'text') text += event.delta;
            if (event.type === 'model') model = event.ref;
            if (event.type === 'usage') usage = { inputTokens: event.inputTokens, outputTokens: event.outputTokens };
            if (event.type === 'text' || event.type === 'model' || event.type === 'usage') push(event);
          }
          // The caller already has the reply: stored as delivered, with nothing left to send.
          await this.turns.saveGenerated(turn.id, session.id, { text, parts: [], model, ...usage }, lease.token, 'delivered');
          push({ type: 'done', text });
        } catch (error) {
          // The caller saw this turn fail (or stopped it): recovery at start must not run it again.
          await this.turns.markFailed(turn.id, error instanceof Error ? error.message : String(error), lease.token);
          throw error;
        }
      })
      .catch((error: unknown) => (failure = error))
      .finally(() => {
        finished = true;
        wake?.();
      });
    function push(event: DirectChatEvent) {
      events.push(event);
      wake?.();
    }
    while (!finished || events.length) {
      if (events.length) {
        yield events.shift()!;
        continue;
      }
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
    await run;
    if (failure) throw failure;
  }
}

function attachmentOf(image: LlmImage): Attachment {
  const bytes = Buffer.from(image.dataBase64, 'base64');
  return {
    kind: 'image',
    // The content stays out of the database: its hash is the handle.
    platformFileId: `sha256:${createHash('sha256').update(bytes).digest('hex')}`,
    mimeType: image.mimeType,
    sizeBytes: bytes.length,
    ...(image.fileName !== undefined ? { fileName: image.fileName } : {}),
  };
}

// The prompt ends with the message being answered: the caller's latest earlier messages (as many
// as AGENT_HISTORY_MESSAGES) go before it, its images with it.
function withCallerParts(prompt: LlmMessage[], request: DirectChatRequest, historyMessages: number): LlmMessage[] {
  const last = prompt[prompt.length - 1];
  const earlier = request.earlierMessages ?? [];
  const images = request.images ?? [];
  return [...prompt.slice(0, -1), ...earlier.slice(Math.max(0, earlier.length - historyMessages)), images.length ? { ...last, images } : last];
}
