import { Inject, Injectable, Logger } from '@nestjs/common';
import { type ToolCallDecision, ToolCallRepository } from '@switchboard/persistence';
import { QUEUE_DRIVER, type QueueDriver } from '@switchboard/queue';
import { shortId } from '../tools/tool-loop';
import { type ChatCommand, type ChatCommandContext, type ChatCommandOutcome, reply } from './chat-command';

/**
 * Decides tool calls that wait for approval and resumes their turns: the decision makes the turn's
 * message pending again (with a job id of its own) before it is queued, so a failed queueing is
 * caught up by the PendingMessageSweeper. Shared by /approve, /deny and the expiry sweep.
 */
@Injectable()
export class ToolApprovals {
  private readonly logger = new Logger('ToolApprovals');

  constructor(
    private readonly calls: ToolCallRepository,
    @Inject(QUEUE_DRIVER) private readonly queue: Pick<QueueDriver, 'add'>,
  ) {}

  async decide(id: string, decision: ToolCallDecision['status'], decidedBy: string): Promise<ToolCallDecision | null> {
    const decided = await this.calls.decide(id, decision, decidedBy);
    if (!decided) return null;
    this.logger.log(`tool call ${id} (${decided.tool}) ${decided.status} by ${decidedBy}`);
    await this.queue
      .add('message.process', { messageId: decided.messageId, sessionKey: decided.sessionKey }, { jobId: decided.jobId })
      .catch((error: unknown) => this.logger.warn(`turn of tool call ${id} not queued (the sweeper will): ${error instanceof Error ? error.message : error}`));
    return decided;
  }
}

// Decorated so that both commands inherit its constructor's injection metadata.
@Injectable()
abstract class ToolDecisionCommand implements ChatCommand {
  abstract readonly name: string;
  abstract readonly description: string;
  readonly args = '[id]';
  readonly permission = 'admins';
  protected abstract readonly decision: 'approved' | 'denied';

  constructor(
    private readonly calls: ToolCallRepository,
    private readonly approvals: ToolApprovals,
  ) {}

  async run({ session, inbound, args }: ChatCommandContext): Promise<ChatCommandOutcome> {
    const id = args.toLowerCase();
    if (id && !/^[0-9a-f-]{1,36}$/.test(id)) return reply(`"${args}" is no tool call id (the ids are shown in the question, e.g. /${this.name} 1a2b3c4d).`);
    const waiting = (await this.calls.waitingInSession(session.id)).filter((call) => call.id.startsWith(id));
    if (!waiting.length) return reply(id ? `No tool call ${id} waits for approval in this chat.` : 'No tool call waits for approval in this chat.');
    if (waiting.length > 1) {
      return reply(`Several tool calls wait: ${waiting.map((call) => `${shortId(call.id)} (${call.tool})`).join(', ')}. Name one: /${this.name} <id>.`);
    }
    const [call] = waiting;
    const decided = await this.approvals.decide(call.id, this.decision, `${inbound.platform}:${inbound.senderId ?? 'unknown'}`);
    if (!decided) return reply(`Tool call ${shortId(call.id)} was decided already.`);
    if (decided.status === 'expired') return reply(`Tool call ${shortId(call.id)} (${decided.tool}) expired before your answer; it does not run.`);
    return reply(decided.status === 'approved' ? `✅ Approved: ${decided.tool} runs now.` : `⛔ Denied: ${decided.tool} does not run.`);
  }
}

/** /approve [id]: the tool call waiting in this chat (the one named) runs, and its answer follows. */
@Injectable()
export class ApproveCommand extends ToolDecisionCommand {
  readonly name = 'approve';
  readonly description = 'let a tool call that waits run';
  protected readonly decision = 'approved';
}

/** /deny [id]: the tool call waiting in this chat does not run; the model is told. */
@Injectable()
export class DenyCommand extends ToolDecisionCommand {
  readonly name = 'deny';
  readonly description = 'refuse a tool call that waits';
  protected readonly decision = 'denied';
}
