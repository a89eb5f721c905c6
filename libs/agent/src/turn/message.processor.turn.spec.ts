import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { type ChannelAdapter, type ChatTarget, ChannelRegistry, type OutboundMessage, type SentMessage } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { MessageRepository, QueueJobRepository, SessionSummaryRepository, TurnRepository } from '@switchboard/persistence';
import { ContextCompressor } from '../context/context-compressor';
import { TestDatabase, openTestDatabase, uniquePlatform } from '@switchboard/persistence/security/testing-databases';
import { LlmRouter } from '@switchboard/providers';
import { InProcessQueueDriver, JobMap } from '@switchboard/queue';
import { InProcessSessionLock, InProcessTurnCancels } from '@switchboard/sessions';
import { inboundDm } from '@switchboard/testing';
import { commandRegistryFor, toolLoopFor } from '../testing/command-registry-for';
import { MessageProcessor } from './message.processor';
import { TurnFailure } from './turn-failure';
import { TurnRunner } from './turn-runner';

/** A platform that keeps what the bot sent, by chat. */
class RecordingChannel implements ChannelAdapter {
  readonly accountId = 'default';
  readonly capabilities = { edit: true, typing: true, threads: false, reactions: false, files: false, images: false, voice: false, maxTextLength: 4096 };
  readonly sent: { chatId: string; text: string }[] = [];

  constructor(readonly id: string) {}

  async start(): Promise<void> {}
  async stop(): Promise<void> {}
  async send(target: ChatTarget, message: OutboundMessage): Promise<SentMessage> {
    this.sent.push({ chatId: target.chatId, text: message.text });
    return { platformMessageId: `${target.chatId}:${this.sent.length}` };
  }
  async edit(target: ChatTarget, platformMessageId: string, text: string): Promise<void> {
    this.sent[Number(platformMessageId.split(':').at(-1)) - 1].text = text;
  }
  async sendTyping(): Promise<void> {}
  async healthProbe(): Promise<Record<string, unknown>> {
    return {};
  }
}

describe('MessageProcessor', () => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let turns: TurnRepository;
  const queues: InProcessQueueDriver<JobMap>[] = [];

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    messages = new MessageRepository(database.db);
    turns = new TurnRepository(database.db);
  });
  afterEach(async () => {
    await Promise.all(queues.splice(0).map((queue) => queue.close(5_000)));
  });
  afterAll(() => database.close());

  /** A processor consuming a real in-process queue, answering with the echo model on `channel`. */
  async function processorFor(channel: RecordingChannel) {
    const config = configSchema.parse({ llm: { provider: 'echo' } });
    const queue = new InProcessQueueDriver<JobMap>(new QueueJobRepository(database.db), { attempts: 3, backoffMs: 100, concurrency: 2 });
    queues.push(queue);
    const router = new LlmRouter(config, new SwitchboardMetrics());
    const runner = new TurnRunner(
      turns,
      new ChannelRegistry([channel]),
      router,
      commandRegistryFor(database.db, config, router),
      toolLoopFor(database.db, config, router),
      new InProcessTurnCancels(),
      new SwitchboardMetrics(),
      new ContextCompressor(new SessionSummaryRepository(database.db), router, config),
      config,
    );
    const processor = new MessageProcessor(queue, new InProcessSessionLock(), runner, new TurnFailure(queue, turns, new SwitchboardMetrics()));
    await processor.onApplicationBootstrap();
    return { queue, processor };
  }

  async function accept(platform: string, userId: string, text: string) {
    const message = inboundDm(platform, userId, { text });
    const identity = { key: `agent:main:${platform}:dm:${message.chatId}`, agentId: 'main', platform, accountId: 'default', chatType: 'dm' as const, chatId: message.chatId };
    const accepted = await messages.acceptInbound(identity, message, new Date());
    return { messageId: accepted.message!.id, sessionKey: accepted.session.key, chatId: message.chatId };
  }

  async function idle(queue: InProcessQueueDriver<JobMap>): Promise<void> {
    await expect.poll(async () => queue.counts('message.process'), { timeout: 10_000 }).toMatchObject({ waiting: 0, active: 0, delayed: 0 });
  }

  it('runs the turn of a queued message: the user gets the answer', async () => {
    const channel = new RecordingChannel(uniquePlatform());
    const { queue } = await processorFor(channel);
    const message = await accept(channel.id, 'ada', 'Hello there');

    await queue.add('message.process', { messageId: message.messageId, sessionKey: message.sessionKey }, { jobId: message.messageId });
    await idle(queue);

    expect(channel.sent).toEqual([{ chatId: message.chatId, text: 'Hello there' }]);
    expect((await turns.begin(message.messageId)).status).toBe('delivered');
  });

  it('does nothing for a message whose turn is finished: a second job sends nothing again', async () => {
    const channel = new RecordingChannel(uniquePlatform());
    const { queue } = await processorFor(channel);
    const message = await accept(channel.id, 'bob', 'Only once');
    await queue.add('message.process', { messageId: message.messageId, sessionKey: message.sessionKey }, { jobId: message.messageId });
    await idle(queue);

    // Delivered again, as a sweep or a redelivered job would: under another job id.
    await queue.add('message.process', { messageId: message.messageId, sessionKey: message.sessionKey }, { jobId: `${message.messageId}-again` });
    await idle(queue);

    expect(channel.sent).toEqual([{ chatId: message.chatId, text: 'Only once' }]);
    expect(await queue.counts('message.process')).toMatchObject({ dead: 0 });
  });
});
