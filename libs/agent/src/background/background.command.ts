import { createHash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { parseCommand } from '@switchboard/core';
import { type ChatCommand, type ChatCommandContext, type ChatCommandOutcome, reply } from '../commands/chat-command';
import { backgroundSessionKey } from './background-task';
import { GatewayPrompts } from './gateway-prompts';

/** Longest prompt a background task or a scheduled prompt takes. */
export const MAX_PROMPT_LENGTH = 8_000;

/**
 * /background <prompt>: the prompt runs as a queued turn of its own session (same chat, key
 * `<chat key>:bg:<task id>`, the chat's model and personality), and its answer is posted here
 * under a header. The task id comes from the command's message, so the command run again after
 * a crash starts no second task.
 */
@Injectable()
export class BackgroundCommand implements ChatCommand {
  readonly name = 'background';
  readonly aliases = ['bg'];
  readonly args = '<prompt>';
  readonly description = 'run a prompt in the background; its answer is posted here when done';
  readonly permission = 'everyone';

  constructor(private readonly prompts: GatewayPrompts) {}

  async run({ inbound, session, args }: ChatCommandContext): Promise<ChatCommandOutcome> {
    if (!args) return reply('Usage: /background <prompt>. The answer is posted here when it is done.');
    if (args.length > MAX_PROMPT_LENGTH) return reply(`The prompt is too long (${args.length} characters; at most ${MAX_PROMPT_LENGTH}).`);
    if (parseCommand(args)) return reply('A background task runs a prompt for the model, not a /command.');
    const taskId = createHash('sha256').update(inbound.id).digest('hex').slice(0, 8);
    const { model, personality } = session.settings;
    await this.prompts.submit(
      {
        key: backgroundSessionKey(session.key, taskId),
        agentId: session.agentId,
        platform: session.platform,
        accountId: session.accountId,
        chatType: session.chatType,
        chatId: session.chatId,
        threadId: session.threadId ?? undefined,
      },
      {
        id: `bg:${inbound.id}`,
        text: args,
        sender: { id: inbound.senderId ?? 'unknown', displayName: inbound.senderName ?? 'unknown' },
        settings: { model, personality },
      },
    );
    return reply(`⏳ Background task ${taskId} started. Its answer will be posted here when it is done.`);
  }
}
