import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { DomainError, ErrorCode, parseCommand } from '@switchboard/core';
import { HomeChannelRepository, ScheduleTarget, ScheduledPromptRecord, ScheduledPromptRepository, type SessionIdentity } from '@switchboard/persistence';
import { buildSessionKey } from '@switchboard/sessions';
import { MAX_PROMPT_LENGTH } from '../background/background.command';
import { type GatewayPrompt, GatewayPrompts } from '../background/gateway-prompts';
import { nextRunAfter, whyInvalidSchedule } from './cron-schedule';

/** Where a new schedule's prompt is answered: a chat, or the home channel (/sethome) of a user. */
export type ScheduleDestination = { chat: ScheduleTarget } | { homeOf: { platform: string; userId: string } };

export interface ScheduleRequest {
  name: string;
  cronExpression: string;
  timeZone: string;
  prompt: string;
  destination: ScheduleDestination;
  createdBy: string;
}

const NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

const invalid = (message: string) => new DomainError(ErrorCode.INVALID_INPUT, message, { userMessage: message });

/**
 * The use cases of scheduled prompts (/cron in chat, `switchboard cron`): validate and store,
 * list, remove, run now, and the prompt of a tick (fired by ScheduledPromptTicker).
 */
@Injectable()
export class ScheduledPrompts {
  private readonly logger = new Logger('ScheduledPrompts');

  constructor(
    private readonly schedules: ScheduledPromptRepository,
    private readonly homes: HomeChannelRepository,
    private readonly prompts: GatewayPrompts,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  async add(request: ScheduleRequest, now = new Date()): Promise<ScheduledPromptRecord> {
    const name = request.name.trim();
    if (!NAME.test(name)) throw invalid(`schedule name "${name}" is invalid: expected 1-64 of a-z 0-9 _ - (starting with a letter or digit)`);
    const schedule = { expression: request.cronExpression.trim(), timeZone: request.timeZone.trim() };
    const problem = whyInvalidSchedule(schedule);
    if (problem) throw invalid(problem);
    const prompt = request.prompt.trim();
    if (!prompt) throw invalid('the prompt is empty');
    if (prompt.length > MAX_PROMPT_LENGTH) throw invalid(`the prompt is too long (${prompt.length} characters; at most ${MAX_PROMPT_LENGTH})`);
    if (parseCommand(prompt)) throw invalid('a scheduled prompt is sent to the model: it cannot be a /command');
    const target = await this.targetOf(request.destination);
    const created = await this.schedules.create({
      name,
      cronExpression: schedule.expression,
      timeZone: schedule.timeZone,
      prompt,
      target,
      createdBy: request.createdBy.slice(0, 128),
      nextRunAt: nextRunAfter(schedule, now),
    });
    if (!created) throw new DomainError(ErrorCode.CONFLICT, `a schedule named "${name}" exists`, { userMessage: `A schedule named "${name}" exists.` });
    this.logger.log(`schedule ${name} added by ${created.createdBy}: "${schedule.expression}" (${schedule.timeZone}), next ${created.nextRunAt.toISOString()}`);
    return created;
  }

  list(): Promise<ScheduledPromptRecord[]> {
    return this.schedules.list();
  }

  async remove(name: string): Promise<ScheduledPromptRecord> {
    const removed = await this.schedules.remove(name.trim());
    if (!removed) throw this.notFound(name);
    this.logger.log(`schedule ${removed.name} removed`);
    return removed;
  }

  /** Runs the schedule's prompt once now, outside its schedule (which stays as it is). */
  async runNow(name: string): Promise<ScheduledPromptRecord> {
    const schedule = await this.schedules.findByName(name.trim());
    if (!schedule) throw this.notFound(name);
    const { session, prompt } = this.promptOf(schedule, `run:${randomUUID()}`);
    await this.prompts.submit(session, prompt);
    return schedule;
  }

  /**
   * The prompt of the tick `tick` (an ISO instant, or a one-off run's id) and the session of the
   * schedule's chat it is answered in. Its id is made of the schedule and the tick: stored once.
   */
  promptOf(schedule: ScheduledPromptRecord, tick: string): { session: SessionIdentity; prompt: GatewayPrompt } {
    const { target } = schedule;
    const scope = { platform: target.platform, accountId: target.accountId, chatType: target.chatType, chatId: target.chatId, threadId: target.threadId ?? undefined };
    return {
      session: { key: buildSessionKey(this.config.agent.id, scope), agentId: this.config.agent.id, ...scope },
      prompt: { id: `cron:${schedule.id}:${tick}`, text: schedule.prompt, sender: { id: `cron:${schedule.name}`, displayName: `schedule ${schedule.name}` } },
    };
  }

  private async targetOf(destination: ScheduleDestination): Promise<ScheduleTarget> {
    if ('chat' in destination) {
      const problem = whyInvalidTarget(destination.chat);
      if (problem) throw invalid(problem);
      return destination.chat;
    }
    const { platform, userId } = destination.homeOf;
    const home = await this.homes.find(platform, userId);
    if (!home) throw invalid(`${platform} user ${userId} has no home channel: send /sethome in the chat where scheduled prompts should be answered`);
    return home;
  }

  private notFound(name: string): DomainError {
    return new DomainError(ErrorCode.NOT_FOUND, `no schedule named "${name}"`, { userMessage: `No schedule named "${name}".` });
  }
}

const CHAT_TYPES = new Set(['dm', 'group', 'thread']);
const ID = /^[^\s]{1,256}$/;

function whyInvalidTarget(target: ScheduleTarget): string | undefined {
  if (!/^[a-z0-9_-]{1,32}$/.test(target.platform ?? '')) return `platform "${target.platform}" is invalid: expected a platform id such as telegram`;
  if (!ID.test(target.accountId ?? '')) return 'the account id is invalid: expected 1-256 characters without spaces';
  if (!CHAT_TYPES.has(target.chatType)) return `chat type "${target.chatType}" is invalid: expected dm, group or thread`;
  if (!ID.test(target.chatId ?? '')) return 'the chat id is invalid: expected 1-256 characters without spaces';
  if (target.threadId !== null && !ID.test(target.threadId)) return 'the thread id is invalid: expected 1-256 characters without spaces';
  return undefined;
}
