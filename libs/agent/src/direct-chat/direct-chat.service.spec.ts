import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { SwitchboardMetrics } from '@switchboard/observability';
import { MessageRepository, SessionRepository, TurnRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import { LlmRouter } from '@switchboard/providers';
import { InProcessSessionLock, SessionService } from '@switchboard/sessions';
import { DirectChatEvent, DirectChatService } from './direct-chat.service';

describe('DirectChatService', () => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let chat: DirectChatService;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    const config = configSchema.parse({ llm: { provider: 'echo' } });
    const sessions = new SessionRepository(database.db);
    messages = new MessageRepository(database.db);
    chat = new DirectChatService(
      new SessionService(sessions, messages, config),
      messages,
      new TurnRepository(database.db),
      new InProcessSessionLock(),
      new LlmRouter(config, new SwitchboardMetrics()),
      config,
    );
  });
  afterAll(() => database.close());

  const turn = (conversationId: string, signal?: AbortSignal) =>
    chat.chat({ platform: 'webchat', conversationId, sender: { id: 'ada' }, text: 'Say this back to me', signal });

  async function drain(events: AsyncGenerator<DirectChatEvent>): Promise<DirectChatEvent[]> {
    const seen: DirectChatEvent[] = [];
    for await (const event of events) seen.push(event);
    return seen;
  }

  it('answers the caller and leaves nothing for the recovery at start', async () => {
    const events = await drain(turn('answered'));
    expect(events.at(-1)).toEqual({ type: 'done', text: 'Say this back to me' });
    expect(await messages.findUnfinishedInbound(10)).toEqual([]);
  });

  it('records a stopped turn as failed, so a restart does not answer it again', async () => {
    const controller = new AbortController();
    controller.abort(new Error('aborted by the client'));

    await expect(drain(turn('stopped', controller.signal))).rejects.toThrow('aborted by the client');
    expect(await messages.findUnfinishedInbound(10)).toEqual([]);
  });
});
