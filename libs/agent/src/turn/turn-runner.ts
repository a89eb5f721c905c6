import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { ChannelAdapter, ChannelRegistry, ChatTarget, isDomainError } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { GeneratedReply, HistoryEntry, SessionRecord, StoredInbound, TurnRecord, TurnRepository } from '@switchboard/persistence';
import { LlmRouter } from '@switchboard/providers';
import { CommandPermissions } from '@switchboard/security';
import { SessionService } from '@switchboard/sessions';
import { chunkText } from '../reply/chunk-text';
import { ReplyStreamer, keepTyping } from '../reply/reply-streamer';
import { parseCommand, runChatCommand } from './chat-commands';
import { buildPrompt } from './prompt-builder';

export interface TurnAttempt {
  /** No retry follows this one: a failure is told to the user instead of being thrown. */
  last: boolean;
}

/**
 * Answers one accepted message, step by step, each step recorded before the next:
 * generate (streaming a draft into the chat) → store the reply and its parts → deliver each part
 * not yet confirmed → done. Run again after a crash, it resumes at the first unfinished step,
 * so the user gets exactly one complete reply.
 */
@Injectable()
export class TurnRunner {
  private readonly logger = new Logger('TurnRunner');

  constructor(
    private readonly turns: TurnRepository,
    private readonly sessions: SessionService,
    private readonly channels: ChannelRegistry,
    private readonly router: LlmRouter,
    private readonly permissions: CommandPermissions,
    private readonly metrics: SwitchboardMetrics,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  /** Runs (or resumes) the turn of a stored message; the caller holds the session's lock. */
  async run(messageId: string, attempt: TurnAttempt): Promise<void> {
    const start = await this.turns.start(messageId, this.config.agent.historyMessages);
    if (!start) return; // deleted with its session
    const { inbound, session, history } = start;
    let turn = start.turn;
    if (turn.status === 'delivered' || turn.status === 'failed') return;
    const channel = this.channels.find(inbound.platform);
    if (!channel) return this.abandon(turn, inbound.platform);
    const target: ChatTarget = {
      platform: inbound.platform,
      accountId: inbound.accountId,
      chatId: session.chatId,
      threadId: session.threadId ?? undefined,
    };
    if (turn.status === 'running') {
      const reply = await this.generate(inbound, session, history, turn, channel, target, attempt);
      turn = await this.turns.saveGenerated(turn.id, session.id, reply);
    }
    await this.deliver(turn, channel, target, inbound);
  }

  /**
   * A message no channel can answer: a web chat or API turn cut short by a restart (its caller's
   * connection is gone), or a platform no longer configured. Its turn is marked failed, not retried.
   */
  private async abandon(turn: TurnRecord, platform: string): Promise<void> {
    await this.turns.markFailed(turn.id, `no channel delivers to ${platform}: the caller is gone or the platform is not configured`);
    this.logger.warn(`turn ${turn.id} of a ${platform} message marked failed: nothing can deliver its reply`);
  }

  private async generate(
    inbound: StoredInbound,
    session: SessionRecord,
    history: HistoryEntry[],
    turn: TurnRecord,
    channel: ChannelAdapter,
    target: ChatTarget,
    attempt: TurnAttempt,
  ): Promise<GeneratedReply> {
    const command = parseCommand(inbound.text);
    const commandReply = command
      ? await runChatCommand(command, {
          inbound,
          session,
          mayRun: (name) => this.permissions.canRun(inbound.platform, inbound.senderId ?? '', name),
          resetSession: () => this.sessions.resetNow(session.id),
          modelDescription: this.describeModel(),
        })
      : undefined;
    if (commandReply !== undefined) return this.split(commandReply, channel, null);

    const streamer = new ReplyStreamer(channel, target, {
      intervalMs: this.config.agent.streamEditIntervalMs,
      existingDraftId: turn.parts.find((part) => part.index === 0)?.platformMessageId ?? undefined,
      replyToMessageId: inbound.platformMessageId ?? undefined,
      onDraft: (id) => this.turns.recordDraft(turn.id, id),
    });
    const stopTyping = keepTyping(channel, target);
    let text = '';
    let model: string | null = null;
    let usage: { inputTokens?: number; outputTokens?: number } = {};
    try {
      const messages = buildPrompt(this.config.agent.systemPrompt, session, history, inbound);
      for await (const event of this.router.stream({ messages, maxOutputTokens: this.config.agent.maxOutputTokens })) {
        if (event.type === 'text') {
          text += event.delta;
          streamer.push(event.delta);
        } else if (event.type === 'model') {
          model = event.ref;
        } else if (event.type === 'usage') {
          usage = { inputTokens: event.inputTokens, outputTokens: event.outputTokens };
        }
      }
    } catch (error) {
      await streamer.finish();
      stopTyping();
      const userMessage = isDomainError(error) ? error.userMessage : undefined;
      const final = attempt.last || (isDomainError(error) && !error.retryable);
      if (!final) throw error;
      this.logger.warn(`turn ${turn.id} gives up: ${error instanceof Error ? error.message : error}`);
      return this.split(userMessage ?? 'Sorry, I could not get an answer from the model. Please try again later.', channel, model);
    }
    await streamer.finish();
    stopTyping();
    return { ...this.split(text.trim() || '(the model returned an empty answer)', channel, model), ...usage };
  }

  /** Sends or edits each part the platform has not confirmed; the last confirmation completes the turn. */
  private async deliver(turn: TurnRecord, channel: ChannelAdapter, target: ChatTarget, inbound: StoredInbound): Promise<void> {
    const pending = turn.parts.filter((part) => !part.deliveredAt);
    if (!pending.length) return this.turns.markDelivered(turn.id); // a crash came after the last part
    for (const part of pending) {
      let platformMessageId = part.platformMessageId;
      if (platformMessageId) {
        await channel.edit(target, platformMessageId, part.text);
      } else {
        const replyTo = part.index === 0 ? (inbound.platformMessageId ?? undefined) : undefined;
        platformMessageId = (await channel.send(target, { text: part.text, replyToMessageId: replyTo })).platformMessageId;
      }
      await this.turns.markPartDelivered(turn.id, part.id, platformMessageId, part === pending.at(-1));
      this.metrics.messagesOut.inc({ platform: channel.id });
    }
  }

  private split(text: string, channel: ChannelAdapter, model: string | null): GeneratedReply {
    return { text, parts: chunkText(text, channel.capabilities.maxTextLength), model };
  }

  private describeModel(): string {
    const { provider, model, fallbacks } = this.router.describe();
    if (!provider) return 'none configured';
    return [`${provider}:${model ?? ''}`, ...fallbacks].join(' → ');
  }
}
