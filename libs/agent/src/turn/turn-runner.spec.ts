import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { ChannelRegistry } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { MessageRepository, TurnRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import type { LlmRouter } from '@switchboard/providers';
import type { CommandPermissions } from '@switchboard/security';
import type { SessionService } from '@switchboard/sessions';
import { inboundDm } from '@switchboard/testing';
import { TurnRunner } from './turn-runner';

describe('TurnRunner', () => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let turns: TurnRepository;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    messages = new MessageRepository(database.db);
    turns = new TurnRepository(database.db);
  });
  afterAll(() => database.close());

  it('marks a web chat turn cut short by a restart failed instead of asking the model without its caller', async () => {
    const message = inboundDm('webchat', 'operator-1');
    const identity = { key: 'agent:main:webchat:dm:chat-operator-1', agentId: 'main', platform: 'webchat', accountId: 'default', chatType: 'dm' as const, chatId: message.chatId };
    const stored = (await messages.acceptInbound(identity, message, new Date())).message!;
    await turns.begin(stored.id); // the turn was running when the process died
    const router = { stream: () => Promise.reject(new Error('the model must not be asked')) } as unknown as LlmRouter;
    const runner = new TurnRunner(
      turns,
      {} as SessionService,
      new ChannelRegistry([]),
      router,
      {} as CommandPermissions,
      new SwitchboardMetrics(),
      configSchema.parse({}),
    );

    await runner.run(stored.id, { last: false });

    const turn = await turns.begin(stored.id);
    expect(turn.status).toBe('failed');
  });
});
