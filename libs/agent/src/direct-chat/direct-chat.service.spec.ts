import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { SwitchboardConfig, configSchema } from '@switchboard/config';
import { SwitchboardMetrics } from '@switchboard/observability';
import { MessageRepository, SessionRepository, TurnRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import { LlmRouter } from '@switchboard/providers';
import { InProcessSessionLock, SessionService } from '@switchboard/sessions';
import { FakeLlmServer, TINY_PNG_BASE64 } from '@switchboard/testing';
import { DirectChatEvent, DirectChatService } from './direct-chat.service';

describe('DirectChatService', () => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let chat: DirectChatService;

  const chatOn = (config: SwitchboardConfig) => {
    const sessions = new SessionRepository(database.db);
    return new DirectChatService(
      new SessionService(sessions, messages, config),
      new TurnRepository(database.db),
      new InProcessSessionLock(),
      new LlmRouter(config, new SwitchboardMetrics()),
      config,
    );
  };

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    messages = new MessageRepository(database.db);
    chat = chatOn(configSchema.parse({ llm: { provider: 'echo' } }));
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
    expect(await messages.claimPendingToRequeue(new Date(Date.now() + 60_000), 10)).toEqual([]);
  });

  it('records a stopped turn as failed, so a restart does not answer it again', async () => {
    const controller = new AbortController();
    controller.abort(new Error('aborted by the client'));

    await expect(drain(turn('stopped', controller.signal))).rejects.toThrow('aborted by the client');
    expect(await messages.claimPendingToRequeue(new Date(Date.now() + 60_000), 10)).toEqual([]);
  });

  describe('on a model server', () => {
    const llm = new FakeLlmServer();
    beforeAll(() => llm.start());
    afterAll(() => llm.stop());
    afterEach(() => llm.reset());
    const onServer = (agent: Record<string, unknown> = {}) =>
      chatOn(configSchema.parse({ agent, llm: { provider: 'openai-compatible', model: 'fake-model', openaiBaseUrl: llm.openaiBaseUrl, openaiApiKey: 'sk-test' } }));

    it("passes the caller's temperature and output limit, capped by AGENT_MAX_OUTPUT_TOKENS", async () => {
      const capped = onServer({ maxOutputTokens: 500 });
      await drain(capped.chat({ platform: 'api', conversationId: 'tuned', sender: { id: 'ada' }, text: 'hi', temperature: 0.3, maxOutputTokens: 80 }));
      await drain(capped.chat({ platform: 'api', conversationId: 'tuned', sender: { id: 'ada' }, text: 'hi', maxOutputTokens: 9_000 }));

      expect(llm.requests.map((request) => request.sampling)).toEqual([
        { maxOutputTokens: 80, temperature: 0.3 },
        { maxOutputTokens: 500, temperature: undefined },
      ]);
    });

    it("sends the caller's latest earlier messages before the new one, without storing them", async () => {
      const earlierMessages = [
        { role: 'user' as const, content: 'Too old to be sent' },
        { role: 'user' as const, content: 'Plan my trip' },
        { role: 'assistant' as const, content: 'Where to?' },
      ];
      const stateless = onServer({ historyMessages: 2 });
      await drain(stateless.chat({ platform: 'api', conversationId: 'held-by-caller', sender: { id: 'ada' }, text: 'Rome', earlierMessages }));
      await drain(stateless.chat({ platform: 'api', conversationId: 'held-by-caller', sender: { id: 'ada' }, text: 'And Milan?' }));

      const sent = llm.requests.map((request) => (request.body.messages as { role: string; content: string }[]).slice(1));
      // The latest AGENT_HISTORY_MESSAGES of them.
      expect(sent[0]).toEqual([...earlierMessages.slice(1), { role: 'user', content: 'Rome' }]);
      // The session stored only its own messages.
      expect(sent[1]).toEqual([
        { role: 'user', content: 'Rome' },
        { role: 'assistant', content: 'echo: Rome' },
        { role: 'user', content: 'And Milan?' },
      ]);
    });

    it('shows the images to the model with the message, and later turns only their names', async () => {
      const vision = onServer();
      const image = { mimeType: 'image/png' as const, dataBase64: TINY_PNG_BASE64, fileName: 'tiny.png' };
      await drain(vision.chat({ platform: 'webchat', conversationId: 'pictures', sender: { id: 'ada' }, text: 'What is this?', images: [image] }));
      await drain(vision.chat({ platform: 'webchat', conversationId: 'pictures', sender: { id: 'ada' }, text: 'And now?' }));

      const [first, second] = llm.requests;
      expect(first.userImages).toEqual([{ mimeType: 'image/png', dataBase64: TINY_PNG_BASE64 }]);
      // The note comes from the stored message's attachments: they were kept with it.
      expect(first.userText).toBe('What is this?\n[image attached: tiny.png]');
      expect(second.userImages).toEqual([]);
      expect(JSON.stringify(second.body)).not.toContain(TINY_PNG_BASE64);
    });
  });
});
