import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelRegistry } from '@switchboard/core';
import { MessageRepository, TurnRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import type { QueueDriver } from '@switchboard/queue';
import { InProcessSessionLock } from '@switchboard/sessions';
import { inboundDm } from '@switchboard/testing';
import { MessageProcessor } from './message.processor';
import type { TurnRunner } from './turn-runner';

describe('MessageProcessor', () => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let turns: TurnRepository;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    messages = new MessageRepository(database.db);
    turns = new TurnRepository(database.db);
  });
  afterAll(() => database.close());

  it('marks a web chat turn cut short by a restart failed instead of running it without its caller', async () => {
    const message = inboundDm('webchat', 'operator-1');
    const identity = { key: 'agent:main:webchat:dm:chat-operator-1', agentId: 'main', platform: 'webchat', accountId: 'default', chatType: 'dm' as const, chatId: message.chatId };
    const stored = (await messages.acceptInbound(identity, message, new Date())).message!;
    await turns.begin(stored.id); // the turn was running when the process died
    const runs: string[] = [];
    const runner = { run: async (inbound: { id: string }) => void runs.push(inbound.id) } as unknown as TurnRunner;
    const processor = new MessageProcessor({} as QueueDriver, messages, turns, new ChannelRegistry([]), new InProcessSessionLock(), runner);

    await processor.handle({ id: stored.id, name: 'message.process', payload: { messageId: stored.id }, attempt: 1, maxAttempts: 5 });

    expect(runs).toEqual([]);
    expect((await turns.begin(stored.id)).status).toBe('failed');
  });
});
