import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { SwitchboardMetrics } from '@switchboard/observability';
import { MessageRepository, QueueJobRepository, TurnRepository, TurnWriteRefused } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase, uniquePlatform } from '@switchboard/persistence/security/testing-databases';
import { InProcessQueueDriver, JobMap } from '@switchboard/queue';
import { InProcessSessionLock } from '@switchboard/sessions';
import { inboundDm } from '@switchboard/testing';
import { MessageProcessor } from './message.processor';
import { TURN_FAILED_TEXT, TurnFailure } from './turn-failure';
import type { TurnRunner } from './turn-runner';

describe('MessageProcessor', () => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let turns: TurnRepository;
  let jobs: QueueJobRepository;
  const drivers: InProcessQueueDriver<JobMap>[] = [];

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    messages = new MessageRepository(database.db);
    turns = new TurnRepository(database.db);
    jobs = new QueueJobRepository(database.db);
  });
  afterEach(async () => {
    await Promise.all(drivers.splice(0).map((driver) => driver.close(0)));
    await database.db.prisma.pendingMessage.deleteMany();
    await database.db.prisma.queueJob.deleteMany();
  });
  afterAll(() => database.close());

  /** A processor whose turns fail with `error`, on a queue nothing consumes (queued notices stay visible). */
  function processorFailingWith(error: Error) {
    const queue = new InProcessQueueDriver<JobMap>(jobs, { attempts: 3, backoffMs: 100, concurrency: 1 });
    drivers.push(queue);
    const runner: Pick<TurnRunner, 'run'> = { run: async () => Promise.reject(error) };
    return new MessageProcessor(queue, new InProcessSessionLock(), runner, new TurnFailure(queue, turns, metrics));
  }

  async function accept(chat: string) {
    const platform = uniquePlatform();
    const identity = { key: `agent:main:${platform}:dm:${chat}`, agentId: 'main', platform, accountId: 'default', chatType: 'dm' as const, chatId: chat };
    const accepted = await messages.acceptInbound(identity, inboundDm(platform, chat), new Date());
    return { messageId: accepted.message!.id, sessionKey: accepted.session.key, platform };
  }

  const job = (payload: JobMap['message.process'], attempt: number) => ({ id: payload.messageId, name: 'message.process', payload, attempt, maxAttempts: 3 });
  const turnOf = (messageId: string) => database.db.prisma.turn.findFirst({ where: { inboundMessageId: messageId } });
  let metrics = new SwitchboardMetrics();
  beforeEach(() => (metrics = new SwitchboardMetrics()));
  const failedReplies = async (platform: string) => (await metrics.repliesFailed.get()).values.find((v) => v.labels.platform === platform)?.value ?? 0;
  const notices = async () => (await database.db.prisma.queueJob.findMany({ where: { name: 'channel.notify' } })).map((row) => row.payload);

  it('gives up after the last attempt: the turn fails and its half-written draft is replaced by one notice', async () => {
    const message = await accept('gives-up');
    const turn = await turns.begin(message.messageId, 'an-earlier-run');
    await turns.recordDraft(turn.id, 'gives-up:17', 'an-earlier-run');
    const processor = processorFailingWith(new Error('the platform refuses every send'));

    await expect(processor.handle(job(message, 2))).rejects.toThrow('refuses');
    expect(await notices()).toEqual([]);
    await expect(processor.handle(job(message, 3))).rejects.toThrow('refuses');
    expect(await turnOf(message.messageId)).toMatchObject({ status: 'failed' });
    expect(await messages.countPending(10)).toBe(0);
    expect(await notices()).toEqual([expect.objectContaining({ chatId: 'gives-up', text: TURN_FAILED_TEXT, replaceMessageId: 'gives-up:17' })]);
    expect(await failedReplies(message.platform)).toBe(1);

    // Run again (a redelivered job), the chat is not told twice, nor the reply counted twice.
    await expect(processor.handle(job(message, 3))).rejects.toThrow('refuses');
    expect(await notices()).toHaveLength(1);
    expect(await failedReplies(message.platform)).toBe(1);
  });

  it('does not count an outage of the database as the last attempt: the message stays pending, nobody is told', async () => {
    const message = await accept('outage');
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED' });
    const processor = processorFailingWith(refused);

    await expect(processor.handle(job(message, 3))).rejects.toThrow('ECONNREFUSED');
    expect((await turnOf(message.messageId))?.status).not.toBe('failed');
    expect(await messages.countPending(10)).toBe(1);
    expect(await notices()).toEqual([]);
  });

  it('leaves a turn that another run took over alone, even on the last attempt', async () => {
    const message = await accept('superseded');
    const turn = await turns.begin(message.messageId, 'the-newer-run');
    const processor = processorFailingWith(new TurnWriteRefused(turn.id, 'confirming a part', 'superseded'));

    await expect(processor.handle(job(message, 3))).rejects.toThrow('superseded');
    expect((await turnOf(message.messageId))?.status).toBe('running');
    expect(await notices()).toEqual([]);
  });
});
