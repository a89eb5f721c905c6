import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { ChannelAdapter, ChannelRegistry, ChatTarget, DomainError, ErrorCode, isDomainError, parseCommand, textSize } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import {
  DeliveryPartRecord,
  GeneratedReply,
  HistoryEntry,
  SessionRecord,
  StoredInbound,
  TurnHolder,
  TurnRecord,
  TurnRepository,
  TurnStart,
  TurnWriteRefused,
} from '@switchboard/persistence';
import { LlmRouter } from '@switchboard/providers';
import { retryDuringOutage } from '@switchboard/queue';
import { SessionLease, TURN_CANCELS, type TurnCancels, busyModeFor } from '@switchboard/sessions';
import { failureNotice, framedAnswer } from '../background/background-task';
import { replyAnchor } from '../background/gateway-prompt';
import { ChatCommandRegistry } from '../commands/command-registry';
import { ContextCompressor, withSummary } from '../context/context-compressor';
import { chunkText } from '../reply/chunk-text';
import { REPEAT_MARKER, clearlyNotSent, shownText } from '../reply/repeat-marker';
import { ReplyStreamer, keepTyping } from '../reply/reply-streamer';
import { SUPERSEDED, ToolLoop } from '../tools/tool-loop';
import { buildPrompt, conversation } from './prompt-builder';
import { loadPromptMedia } from './prompt-media';
import { ReasoningSection } from './reasoning-section';

export interface TurnAttempt {
  /** No retry follows this one: a failure is told to the user instead of being thrown. */
  last: boolean;
  /** The session lock's lease of this run: the turn's writes carry its token (fencing). */
  lease: SessionLease;
}

/** What a stopped answer ends with (/stop, or a newer message in AGENT_BUSY_MODE=interrupt). */
export const STOPPED_MARK = '⏹ stopped';

/** The error of a turn folded into a later message's (AGENT_BUSY_MODE interrupt and merge). */
export const FOLDED = 'folded: answered together with a later message';

/** generate()'s outcome when a tool call waits for approval: the turn is parked, nothing is saved. */
const PARKED = Symbol('parked');

/**
 * Answers one accepted message, step by step, each step recorded before the next:
 * generate (streaming a draft into the chat) → store the reply and its parts → deliver each part
 * not yet confirmed → done. Run again after a crash, it resumes at the first unfinished step,
 * so the user gets one complete reply; a part whose send was cut short (the process died before
 * the platform's answer was recorded) is sent again, marked as a repeat (REPEAT_MARKER).
 */
@Injectable()
export class TurnRunner {
  private readonly logger = new Logger('TurnRunner');

  constructor(
    private readonly turns: TurnRepository,
    private readonly channels: ChannelRegistry,
    @Inject(LlmRouter) private readonly router: Pick<LlmRouter, 'models'>,
    private readonly commands: ChatCommandRegistry,
    private readonly tools: ToolLoop,
    @Inject(TURN_CANCELS) private readonly cancels: TurnCancels,
    private readonly metrics: SwitchboardMetrics,
    private readonly context: ContextCompressor,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  /** Runs (or resumes) the turn of a stored message; the caller holds the session's lock. */
  async run(messageId: string, attempt: TurnAttempt): Promise<void> {
    try {
      await this.resume(messageId, attempt);
    } catch (error) {
      // Another run finished the turn meanwhile (this one had lost the session's lock).
      if (error instanceof TurnWriteRefused && error.turnFinished) {
        this.logger.warn(`${error.message}: the turn was finished by another run`);
        return;
      }
      throw error;
    }
  }

  private async resume(messageId: string, attempt: TurnAttempt): Promise<void> {
    const holder = attempt.lease.token;
    const start = await this.turns.start(messageId, this.config.agent.historyMessages, holder);
    if (!start) return; // deleted with its session
    const { inbound, session, history } = start;
    let turn = start.turn;
    if (turn.status === 'delivered' || turn.status === 'failed') return;
    const channel = this.channels.find(inbound.platform, inbound.accountId);
    if (!channel) return this.abandon(turn, `${inbound.platform} (account ${inbound.accountId})`, holder);
    const target: ChatTarget = {
      platform: inbound.platform,
      accountId: inbound.accountId,
      chatId: session.chatId,
      threadId: session.threadId ?? undefined,
    };
    if (turn.status === 'running') {
      // A turn that made tool calls is resumed (a call may wait for approval), never folded.
      if (this.folds(start) && !(await this.tools.hasCalls(turn.id))) {
        // Its message is answered with the later one, whose turn sees it in the history.
        await this.turns.markFailed(turn.id, FOLDED, holder);
        return;
      }
      await this.supersedeParked(start, holder);
      const reply = await this.generate(inbound, session, history, turn, channel, target, attempt);
      if (reply === PARKED) return;
      turn = await this.turns.saveGenerated(turn.id, session.id, reply, holder);
    }
    await this.deliver(turn, channel, target, inbound, holder);
  }

  /**
   * In AGENT_BUSY_MODE interrupt and merge, a message arriving while an earlier one's turn of the
   * same conversation waits for a tool's approval answers both (the earlier one is in its
   * history): the parked turn is closed as folded, its waiting calls settled without running, so
   * neither approving it later nor its expiry answers anything twice. So is a turn whose call was
   * denied or expired but that has not resumed yet; one whose call was approved resumes (the
   * approval asked for the call to run). Commands (an /approve among them) leave it waiting.
   */
  private async supersedeParked({ inbound, session, turn }: TurnStart, holder: TurnHolder): Promise<void> {
    if (busyModeFor(this.config, session) === 'queue' || parseCommand(inbound.text)) return;
    const closing = { sameConversation: true, approvedToo: false, result: SUPERSEDED, error: FOLDED };
    for (const turnId of await this.tools.closeParked(turn.id, holder, closing)) {
      this.logger.log(`turn ${turnId} waited for a tool's approval; a later message answers its message instead`);
    }
  }

  /**
   * In AGENT_BUSY_MODE interrupt and merge, a message followed by another before its answer began
   * is answered together with it, by the later message's turn. Commands are answered each.
   */
  private folds(start: TurnStart): boolean {
    const { inbound, turn, later } = start;
    if (turn.parts.length || busyModeFor(this.config, start.session) === 'queue' || parseCommand(inbound.text)) return false;
    return later.some((text) => !parseCommand(text));
  }

  /**
   * A message no channel can answer: a web chat or API turn cut short by a restart (its caller's
   * connection is gone), or a platform no longer configured. Its turn is marked failed, not retried.
   */
  private async abandon(turn: TurnRecord, platform: string, holder: TurnHolder): Promise<void> {
    await this.turns.markFailed(turn.id, `no channel delivers to ${platform}: the caller is gone or the platform is not configured`, holder);
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
  ): Promise<GeneratedReply | typeof PARKED> {
    let prompt = { history: conversation(history), message: inbound };
    const outcome = await this.commands.run(inbound, session, prompt.history, { id: turn.id, holder: attempt.lease.token });
    if (outcome && 'reply' in outcome) return this.split(outcome.reply, channel, null);
    if (outcome) {
      // The command has the model answer an earlier message (/retry).
      const { message } = outcome.answer;
      prompt = { history: outcome.answer.history, message: { ...inbound, text: message.text, senderName: message.senderName, attachments: [] } };
    }

    const holder = attempt.lease.token;
    const draft = turn.parts.find((part) => part.index === 0);
    const streamer = new ReplyStreamer(channel, target, {
      intervalMs: this.config.agent.streamEditIntervalMs,
      existingDraftId: draft?.platformMessageId ?? undefined,
      existingDraftRepeated: draft?.repeated,
      replyToMessageId: replyAnchor(inbound),
      beforeSend: () => this.turns.partSending(turn.id, 0, holder),
      notSent: () => this.turns.partNotSent(turn.id, 0, holder),
      // What the platform already holds is recorded, outage or not: run again, the turn would send a second draft.
      onDraft: (id) => retryDuringOutage(() => this.turns.recordDraft(turn.id, id, holder)),
    });
    const stopTyping = keepTyping(channel, target);
    // /stop, or a newer message in AGENT_BUSY_MODE=interrupt, wherever it arrived, ends the stream.
    const stop = new AbortController();
    const unwatch = this.cancels.watch(session.key, (request) => {
      if (request.messageId !== inbound.id) stop.abort(new Error(`stopped by ${request.reason}`));
    });
    // The model's text (stored, seen in later turns) and what the chat shows: with tool progress lines.
    let text = '';
    // The model's thinking goes above them where the chat asked for it (/reasoning show), never into `text`.
    const thinking = new ReasoningSection(session.settings.showReasoning, (delta) => streamer.push(delta));
    let shown = '';
    let afterNote = false;
    const out = {
      text: (delta: string) => {
        const line = afterNote && !delta.startsWith('\n') ? `\n${delta}` : delta;
        afterNote &&= !delta;
        text += delta;
        shown += line;
        thinking.answer(line);
      },
      note: (note: string) => {
        const line = `${shown && !shown.endsWith('\n') ? '\n' : ''}${note}`;
        afterNote = true;
        shown += line;
        thinking.answer(line);
      },
      thought: (delta: string) => thinking.thought(delta),
    };
    let model: string | null = null;
    let usage: { inputTokens?: number; outputTokens?: number } = {};
    try {
      const media = await loadPromptMedia(channel, prompt.message.attachments, this.logger);
      const { summary, history: recent } = await this.context.prepare(session, prompt.history, this.chosenModel(session));
      const messages = buildPrompt(withSummary(this.systemPrompt(session), summary), session, recent, prompt.message, media);
      const reasoning = session.settings.reasoning ?? undefined;
      const request = { messages, maxOutputTokens: this.config.agent.maxOutputTokens, model: this.chosenModel(session), reasoning, signal: stop.signal };
      const turnOfLoop = { turnId: turn.id, sessionId: session.id, platform: inbound.platform, senderId: inbound.senderId, holder };
      const outcome = await this.tools.run({ turn: turnOfLoop, request, out });
      if (outcome.parked) {
        await this.park(turn, `${shown.trim() ? `${shown.trim()}\n\n` : ''}${outcome.question}`, streamer, channel, target, inbound, holder);
        stopTyping();
        return PARKED;
      }
      ({ model, usage } = outcome);
    } catch (error) {
      await streamer.finish();
      stopTyping();
      if (stop.signal.aborted) {
        this.logger.log(`turn ${turn.id} stopped: ${(stop.signal.reason as Error).message}`);
        const stopped = (said: string) => (said.trim() ? `${said.trim()}\n\n${STOPPED_MARK}` : STOPPED_MARK);
        return { ...this.split(stopped(text), channel, model, stopped(shown)), stopped: true };
      }
      const userMessage = isDomainError(error) ? error.userMessage : undefined;
      const final = attempt.last || (isDomainError(error) && !error.retryable);
      if (!final) throw error;
      this.logger.warn(`turn ${turn.id} gives up: ${error instanceof Error ? error.message : error}`);
      const told = userMessage ?? 'Sorry, I could not get an answer from the model. Please try again later.';
      return this.split(failureNotice(session.key, userMessage ?? (error instanceof Error ? error.message : String(error)), told), channel, model);
    } finally {
      unwatch();
    }
    await streamer.finish();
    stopTyping();
    const answer = framedAnswer(session.key, text.trim() || '(the model returned an empty answer)');
    const visible = shown.trim() && text.trim() ? framedAnswer(session.key, shown.trim()) : answer;
    return { ...this.split(answer, channel, model, thinking.shownText(visible)), ...this.account(model, usage) };
  }

  /**
   * Shows the approval question in the chat (in the draft, or a message of its own) and parks the
   * turn: its job ends without holding the session; /approve or /deny queues it again.
   */
  private async park(
    turn: TurnRecord,
    question: string,
    streamer: ReplyStreamer,
    channel: ChannelAdapter,
    target: ChatTarget,
    inbound: StoredInbound,
    holder: TurnHolder,
  ): Promise<void> {
    const draftId = await streamer.finish();
    const { maxTextLength, maxTextUnit } = channel.capabilities;
    const text = textSize(question, maxTextUnit) > maxTextLength ? question.slice(question.lastIndexOf('🔐')) : question;
    if (draftId) await channel.edit(target, draftId, text);
    else await channel.send(target, { text, replyToMessageId: inbound.platformMessageId ?? undefined });
    // A call expired between the question and now: the turn goes on in a run of its own.
    if (!(await this.tools.park(turn.id, holder))) throw new DomainError(ErrorCode.TEMPORARY, `turn ${turn.id}: its tool call was decided while it parked`);
    this.logger.log(`turn ${turn.id} waits for a tool call's approval`);
  }

  /** The personality the session chose (one still configured), else AGENT_SYSTEM_PROMPT. */
  private systemPrompt(session: SessionRecord): string {
    const { personality } = session.settings;
    return (personality && this.config.agent.personalities[personality]) || this.config.agent.systemPrompt;
  }

  /** The model the session chose with /model, while the configuration still allows it. */
  private chosenModel(session: SessionRecord): string | undefined {
    const { model } = session.settings;
    return model && this.router.models().includes(model) ? model : undefined;
  }

  /** Counts the tokens (metrics) and estimates the cost from LLM_PRICES. */
  private account(model: string | null, usage: { inputTokens?: number; outputTokens?: number }): Pick<GeneratedReply, 'inputTokens' | 'outputTokens' | 'costUsd'> {
    if (!model || usage.inputTokens === undefined || usage.outputTokens === undefined) return usage;
    const [provider, name] = [model.slice(0, model.indexOf(':')), model.slice(model.indexOf(':') + 1)];
    this.metrics.llmTokens.inc({ provider, model: name, direction: 'in' }, usage.inputTokens);
    this.metrics.llmTokens.inc({ provider, model: name, direction: 'out' }, usage.outputTokens);
    const price = this.config.llm.prices[model];
    if (!price) return usage;
    return { ...usage, costUsd: (usage.inputTokens * price.input + usage.outputTokens * price.output) / 1_000_000 };
  }

  /**
   * Sends or edits each part the platform has not confirmed; the last confirmation completes the
   * turn. A send is recorded as started right before it and confirmed right after it, so only a
   * crash between the two (or a send without a clear answer) can put a part on the platform twice.
   */
  private async deliver(turn: TurnRecord, channel: ChannelAdapter, target: ChatTarget, inbound: StoredInbound, holder: TurnHolder): Promise<void> {
    const pending = turn.parts.filter((part) => !part.deliveredAt);
    if (!pending.length) return this.turns.markDelivered(turn.id, holder); // a crash came after the last part
    for (const part of pending) {
      const platformMessageId = part.platformMessageId
        ? await channel.edit(target, part.platformMessageId, shownText(part.text, part.repeated)).then(() => part.platformMessageId!)
        : await this.send(turn, part, channel, target, inbound, holder);
      // The platform holds the part now: record it through an outage rather than send it again.
      await retryDuringOutage(() => this.turns.markPartDelivered(turn.id, part.id, platformMessageId, holder));
      this.metrics.messagesOut.inc({ platform: channel.id });
    }
  }

  private async send(
    turn: TurnRecord,
    part: DeliveryPartRecord,
    channel: ChannelAdapter,
    target: ChatTarget,
    inbound: StoredInbound,
    holder: TurnHolder,
  ): Promise<string> {
    const { repeated } = await this.turns.partSending(turn.id, part.index, holder);
    const replyTo = part.index === 0 ? replyAnchor(inbound) : undefined;
    try {
      return (await channel.send(target, { text: shownText(part.text, repeated), replyToMessageId: replyTo })).platformMessageId;
    } catch (error) {
      if (clearlyNotSent(error)) await this.turns.partNotSent(turn.id, part.index, holder);
      throw error;
    }
  }

  /** Parts leave room for the repeat marker, which a part sent again carries. */
  private split(text: string, channel: ChannelAdapter, model: string | null, shown = text): GeneratedReply {
    const { maxTextLength, maxTextUnit: unit } = channel.capabilities;
    return { text, parts: chunkText(shown, maxTextLength - textSize(REPEAT_MARKER, unit), unit), model };
  }
}
