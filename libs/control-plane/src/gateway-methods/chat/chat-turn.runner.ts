import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { DirectChatService } from '@switchboard/agent';
import { isDomainError } from '@switchboard/core';
import type { LlmImage } from '@switchboard/providers';
import { WEBCHAT_PLATFORM, WebchatConversation } from '../sessions/webchat-session';
import { ChatRunRegistry } from './chat-run.registry';

export interface TokenUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface ChatTurnRequest {
  runId: string;
  conversation: WebchatConversation;
  sender: { id: string; displayName?: string };
  text: string;
  /** Images sent with the text (chat.send attachments). */
  images?: LlmImage[];
  /** "provider:model" among the configured ones; the configured model when absent. */
  model?: string;
  /** Also stops the run (e.g. the caller's connection closed). */
  signal?: AbortSignal;
}

/** What a run reports while the model answers. */
export interface ChatTurnProgress {
  onDelta(delta: string, text: string): void;
  onUsage?(usage: TokenUsage): void;
}

export type ChatTurnOutcome =
  | { state: 'final'; text: string; model: string | null; usage?: TokenUsage }
  | { state: 'aborted'; text: string }
  | { state: 'error'; text: string; error: string };

/**
 * One agent turn in a web chat session, through DirectChatService: the session, its history and
 * the stored messages are those of any chat. Shared by `chat.send` and `agent`.
 */
@Injectable()
export class ChatTurnRunner {
  private readonly logger = new Logger('ControlPlaneChat');

  constructor(
    private readonly chat: DirectChatService,
    private readonly runs: ChatRunRegistry,
  ) {}

  /** Starts the turn; a run id already running throws here. The promise never rejects. */
  run(request: ChatTurnRequest, progress: ChatTurnProgress): Promise<ChatTurnOutcome> {
    return this.runs.track(request.runId, request.conversation.sessionKey, (signal) => this.execute(request, progress, signal), request.signal);
  }

  private async execute(request: ChatTurnRequest, progress: ChatTurnProgress, signal: AbortSignal): Promise<ChatTurnOutcome> {
    let text = '';
    let model: string | null = null;
    let usage: TokenUsage | undefined;
    try {
      const events = this.chat.chat({
        platform: WEBCHAT_PLATFORM,
        conversationId: request.conversation.conversationId,
        sender: request.sender,
        text: request.text,
        images: request.images,
        model: request.model,
        signal,
      });
      for await (const event of events) {
        if (event.type === 'text') {
          text += event.delta;
          progress.onDelta(event.delta, text);
        } else if (event.type === 'model') {
          model = event.ref;
        } else if (event.type === 'usage') {
          usage = { inputTokens: event.inputTokens, outputTokens: event.outputTokens };
          progress.onUsage?.(usage);
        }
      }
      return { state: 'final', text, model, ...(usage ? { usage } : {}) };
    } catch (error) {
      if (signal.aborted) return { state: 'aborted', text };
      return { state: 'error', text, error: this.describe(error) };
    }
  }

  // Domain errors (model down, rate limited, no model configured) are for the operator to read;
  // anything else is a defect, logged under an id the operator sees instead of its details.
  private describe(error: unknown): string {
    if (isDomainError(error)) return error.message;
    const errorId = randomUUID();
    this.logger.error(`chat turn failed (errorId ${errorId})`, error instanceof Error ? error.stack : String(error));
    return `the turn failed (errorId ${errorId})`;
  }
}
