import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { ChannelRegistry } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { MessageRepository, SessionRepository, SessionSummaryRepository, TurnRepository } from '@switchboard/persistence';
import { ContextCompressor } from '../context/context-compressor';
import { TestDatabase, openTestDatabase, uniquePlatform } from '@switchboard/persistence/security/testing-databases';
import type { LlmMessage, LlmRouter, LlmRouterEvent, LlmRouterRequest } from '@switchboard/providers';
import { InProcessTurnCancels } from '@switchboard/sessions';
import { inboundDm } from '@switchboard/testing';
import { STOPPED_MARK, TurnRunner } from '../turn/turn-runner';
import { ChatCommandRegistry } from './command-registry';
import { commandRegistryFor, toolLoopFor } from '../testing/command-registry-for';
import { recordingChannel } from '../testing/recording-channel';

const MODELS = ['echo:main', 'echo:other'];

/** A model that answers "answer to <last user text>" and records what it was asked. */
class ScriptedModel implements Pick<LlmRouter, 'stream' | 'describe' | 'models' | 'findModel'> {
  readonly requests: LlmRouterRequest[] = [];
  /** Resolves the stream's end when set: the answer waits for it (or for an abort). */
  hold: Promise<void> | undefined;
  /** The requests it fails (as a provider whose every attempt failed). */
  failWhen: (request: LlmRouterRequest) => boolean = () => false;

  describe() {
    return { provider: 'echo' as const, model: 'main', fallbacks: ['echo:other'] };
  }
  models() {
    return MODELS;
  }
  findModel(name: string) {
    return MODELS.find((model) => model === name || model.endsWith(`:${name}`));
  }
  async *stream(request: LlmRouterRequest): AsyncGenerator<LlmRouterEvent> {
    this.requests.push(request);
    if (this.failWhen(request)) throw new Error('the model is unreachable');
    yield { type: 'model', ref: request.model ?? MODELS[0] };
    const last = request.messages.findLast((message) => message.role === 'user')!;
    if (request.reasoning && request.reasoning !== 'off') yield { type: 'reasoning', delta: `thinking ${request.reasoning}` };
    yield { type: 'text', delta: 'answer to ' };
    if (this.hold) {
      const aborted = new Promise<never>((_, reject) => request.signal!.addEventListener('abort', () => reject(request.signal!.reason), { once: true }));
      await Promise.race([this.hold, aborted]);
    }
    yield { type: 'text', delta: last.content };
    yield { type: 'usage', inputTokens: 1_000, outputTokens: 500 };
    yield { type: 'done', stopReason: 'end' };
  }
  get lastMessages(): LlmMessage[] {
    return this.requests.at(-1)!.messages;
  }
}

describe('chat commands', () => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let sessions: SessionRepository;
  let turns: TurnRepository;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    messages = new MessageRepository(database.db);
    sessions = new SessionRepository(database.db);
    turns = new TurnRepository(database.db);
  });
  afterAll(() => database.close());

  /** A chat on its own platform, answered by the scripted model; `say` returns what the bot shows for it. */
  function chat(settings: Record<string, unknown> = {}, platformBusyMode?: string) {
    const platform = uniquePlatform('cmd');
    const config = configSchema.parse({
      llm: { provider: 'echo', model: 'main', fallbacks: ['echo:other'], prices: { 'echo:other': { input: 3, output: 15 } } },
      agent: { personalities: { pirate: 'You talk like a pirate.' }, busyModeByPlatform: platformBusyMode ? { [platform]: platformBusyMode } : {} },
      security: { adminUsers: ['root'] },
      ...settings,
    });
    const model = new ScriptedModel();
    const { channel, sent } = recordingChannel(platform);
    const cancels = new InProcessTurnCancels();
    const metrics = new SwitchboardMetrics();
    const registry = commandRegistryFor(database.db, config, model);
    const compressor = new ContextCompressor(new SessionSummaryRepository(database.db), model, config);
    const runner = new TurnRunner(turns, new ChannelRegistry([channel]), model, registry, toolLoopFor(database.db, config, model), cancels, metrics, compressor, config);
    const key = `agent:main:${platform}:dm:chat-ada`;

    async function store(text: string, userId = 'ada') {
      const message = inboundDm(platform, userId, { text, chatId: 'chat-ada' });
      const identity = { key, agentId: 'main', platform, accountId: 'default', chatType: 'dm' as const, chatId: 'chat-ada' };
      return (await messages.acceptInbound(identity, message, new Date())).message!;
    }
    async function answer(id: string): Promise<string> {
      const before = sent.length;
      await runner.run(id, { last: true, lease: { token: randomUUID() } });
      return sent.slice(before).join('\n');
    }
    const say = async (text: string, userId = 'ada') => answer((await store(text, userId)).id);
    const session = async () => (await sessions.findByKey(key))!;
    return { say, store, answer, model, sent, cancels, metrics, key, session, registry };
  }

  describe('the registry', () => {
    it('refuses a second command of the same name or alias at start', () => {
      const { registry } = chat();
      const permissions = (registry as unknown as { permissions: never }).permissions;
      const audit = (registry as unknown as { audit: never }).audit;
      const twice = [...registry.commands, { ...registry.commands[0], name: 'again', aliases: ['reset'] }];
      expect(() => new ChatCommandRegistry(twice, permissions, audit)).toThrow('chat command /reset is registered twice');
    });

    it('builds the command menu and /help from the same list', async () => {
      const { registry, say } = chat();
      expect(registry.menu().map((entry) => entry.name)).toEqual([
        'new',
        'resume',
        'stop',
        'retry',
        'undo',
        'model',
        'personality',
        'reasoning',
        'busy',
        'title',
        'compress',
        'usage',
        'insights',
        'sethome',
        'approve',
        'deny',
        'status',
        'whoami',
        'help',
      ]);
      expect(registry.menu().find((entry) => entry.name === 'model')?.description).toContain('[provider:model]');
      const help = await say('/help');
      expect(help).toContain('/new or /reset: start a fresh conversation');
      expect(help).toContain('/model [provider:model]: switch this conversation');
    });

    it('answers an unknown command with the short list instead of asking the model', async () => {
      const { say, model } = chat();
      expect(await say('/translate bonjour')).toMatch(/^Unknown command \/translate\. Commands: \/new \/resume \/stop .* \/help/);
      expect(model.requests).toHaveLength(0);
    });

    it('refuses a command the settings reserve, and writes the refusal to the audit log', async () => {
      const { say } = chat({ security: { adminUsers: ['root'], commandPermissions: 'title:admins' } });
      expect(await say('/title secret plans', 'ada')).toBe('You are not allowed to run /title.');
      expect(await say('/title secret plans', 'root')).toBe('Title set: secret plans');
      const audited = await database.db.prisma.auditEvent.findFirst({ where: { action: 'chat.command.refused', targetId: 'title' }, orderBy: { seq: 'desc' } });
      expect(audited?.actor).toMatch(/^chat:cmd-[^:]+:ada$/);
    });

    it('keeps /help and /whoami open to everyone allowed in', async () => {
      const { say } = chat();
      expect(await say('/whoami', 'nobody')).toBe('You are User nobody (user id nobody) on ' + (await say('/whoami')).split(' on ')[1]);
    });
  });

  it('/model lists the allowed models, switches this session only, and refuses any other', async () => {
    const { say, model, session } = chat();
    expect(await say('/model')).toBe('Model: echo:main\nAllowed:\n• echo:main\n- echo:other');
    expect(await say('/model gpt-5')).toBe('gpt-5 is not allowed here. Allowed: echo:main, echo:other');
    expect(await say('/model echo:other')).toBe('Model for this conversation: echo:other');
    expect((await session()).settings.model).toBe('echo:other');

    await say('hello');
    expect(model.requests.at(-1)?.model).toBe('echo:other');
    expect(await say('/model main')).toBe('Model for this conversation: echo:main');
    await say('hello again');
    expect(model.requests.at(-1)?.model).toBeUndefined();
  });

  it('/personality switches the system prompt to a configured one and back', async () => {
    const { say, model } = chat();
    expect(await say('/personality')).toBe('Personality: default\nAvailable: default, pirate');
    expect(await say('/personality ninja')).toBe('There is no personality "ninja". Available: default, pirate');
    expect(await say('/personality pirate')).toBe('Personality for this conversation: pirate');
    await say('ahoy');
    expect(model.lastMessages[0].content).toMatch(/^You talk like a pirate\./);
    await say('/personality default');
    await say('hello');
    expect(model.lastMessages[0].content).toMatch(/^You are a helpful assistant/);
  });

  it('/title names the conversation and /status shows it with the model', async () => {
    const { say, key } = chat();
    expect(await say('/title')).toBe('This conversation has no title. Set one with /title <name>.');
    await say('/title  Trip   to Rome ');
    expect(await say('/status')).toBe(`Session ${key}\nTitle: Trip to Rome\nModel: echo:main → echo:other\nPersonality: default`);
  });

  it('/new keeps the conversation, which /resume lists to the one who had it and makes active again with its history and title', async () => {
    const { say, model } = chat();
    const historyOf = () => model.lastMessages.filter((message) => message.role !== 'system').map((message) => message.content);
    expect(await say('/resume')).toBe('You have no earlier conversation in this chat. /new starts a fresh one and keeps this one for /resume.');
    await say('tell me about cats');
    await say('/title Cats');
    await say('/new');
    await say('now about dogs, please');
    expect(historyOf()).toEqual(['now about dogs, please']);

    const listed = await say('/resume');
    expect(listed).toMatch(/^Your earlier conversations here; \/resume <number or title> goes back to one:\n1\. Cats \(\d{4}-\d\d-\d\d \d\d:\d\d UTC\)$/);
    expect(await say('/resume 1')).toMatch(/^Resumed "Cats" \(.* UTC\)\. The model sees that conversation again\.$/);
    expect(await say('/title')).toBe('Title: Cats');
    await say('and their whiskers?');
    expect(historyOf()).toEqual(['tell me about cats', 'answer to tell me about cats', 'and their whiskers?']);

    // The dogs conversation has no title: its first words name it.
    expect(await say('/resume')).toMatch(/^Your earlier conversations here.*\n1\. now about dogs, please \(/);
    expect(await say('/resume cats')).toBe('You are in "Cats" already.');
    expect(await say('/resume 2')).toBe('There is no conversation 2 in your list; /resume lists them.');
    expect(await say('/resume Birds')).toBe('No conversation here is titled "Birds"; /resume lists yours.');
  });

  it('/resume offers and resumes only the caller\'s own conversations', async () => {
    const { say } = chat();
    await say('ada asks about taxes');
    await say('/title Taxes');
    await say('/new', 'bob');
    await say('bob asks about gardens', 'bob');
    await say('/title Gardens', 'bob');
    await say('/new', 'bob');

    expect(await say('/resume', 'bob')).toMatch(/^Your earlier conversations here.*\n1\. Gardens \([^)]*\)$/);
    expect(await say('/resume Taxes', 'bob')).toBe('The conversation "Taxes" is not yours: you can only resume your own.');
    expect(await say('/resume', 'ada')).toMatch(/^Your earlier conversations here.*\n1\. Taxes \([^)]*\)$/);
    expect(await say('/resume Gardens', 'ada')).toBe('The conversation "Gardens" is not yours: you can only resume your own.');
    expect(await say('/resume taxes', 'ada')).toMatch(/^Resumed "Taxes"/);
  });

  it('/sethome makes this chat the sender’s home channel, which /status shows', async () => {
    const { say, key } = chat();
    expect(await say('/sethome')).toBe('🏠 This chat is your home channel now: your scheduled prompts are answered here.');
    expect(await say('/status')).toBe(`Session ${key}\nModel: echo:main → echo:other\nPersonality: default\nYour home channel (/sethome): this chat`);
  });

  it('/retry answers the last message again; the model then sees the new answer only', async () => {
    const { say, model } = chat();
    await say('first');
    await say('second');
    expect(await say('/retry')).toBe('answer to second');
    expect(model.lastMessages.slice(1).map((m) => `${m.role}:${m.content}`)).toEqual(['user:first', 'assistant:answer to first', 'user:second']);

    await say('third');
    expect(model.lastMessages.slice(1).map((m) => `${m.role}:${m.content}`)).toEqual([
      'user:first',
      'assistant:answer to first',
      'user:second',
      'assistant:answer to second',
      'user:third',
    ]);
    expect(await database.db.prisma.message.count({ where: { text: 'answer to second', undoneAt: { not: null } } })).toBeGreaterThanOrEqual(1);
  });

  it('/undo takes the last exchange out of what the model sees, keeping it stored', async () => {
    const { say, model, session } = chat();
    await say('keep me');
    await say('forget me');
    expect(await say('/undo')).toBe('Undone: "forget me" and its answer. The model no longer sees them.');
    await say('next');
    expect(model.lastMessages.slice(1).map((m) => m.content)).toEqual(['keep me', 'answer to keep me', 'next']);
    const undone = await database.db.prisma.message.findMany({ where: { sessionId: (await session()).id, undoneAt: { not: null } }, orderBy: { createdAt: 'asc' } });
    expect(undone.map((row) => row.text)).toEqual(['forget me', 'answer to forget me']);
    expect(await say('/undo')).toContain('"next"');
  });

  it('/usage shows the tokens and estimated cost of the session and of the user', async () => {
    const { say } = chat();
    await say('one');
    await say('/model other');
    await say('two');
    // echo:other costs 3 $/M in and 15 $/M out: 1000 in and 500 out = $0.0105.
    expect(await say('/usage')).toBe(
      'This conversation: 2 answers, 2000 tokens in, 1000 tokens out, about $0.01\nAll your conversations here: 2 answers, 2000 tokens in, 1000 tokens out, about $0.01',
    );
  });

  it('counts tokens per provider, model and direction', async () => {
    const { say, metrics } = chat();
    await say('count me');
    const values = (await metrics.llmTokens.get()).values;
    expect(values).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { provider: 'echo', model: 'main', direction: 'in' }, value: expect.any(Number) }),
        expect.objectContaining({ labels: { provider: 'echo', model: 'main', direction: 'out' } }),
      ]),
    );
  });

  describe('busy input', () => {
    it('/stop ends the answer being written: its draft is finished as stopped and the turn is final', async () => {
      const { store, answer, model, cancels, key, sent } = chat();
      let release!: () => void;
      model.hold = new Promise((resolve) => (release = resolve));
      const running = await store('long story');
      const answering = answer(running.id);
      await expect.poll(() => sent.length).toBe(1);

      const stop = await store('/stop');
      await cancels.cancel(key, { reason: 'stop', messageId: stop.id });
      await answering;
      release();

      expect(sent[0]).toBe(`answer to\n\n${STOPPED_MARK}`);
      expect((await turns.begin(running.id)).status).toBe('delivered');
      expect(await answer(stop.id)).toBe('⏹ Stopped.');
      // Later turns leave the stopped answer out; its message stays.
      await answer((await store('short one')).id);
      expect(model.lastMessages.slice(1).map((m) => m.content)).toEqual(['long story', 'short one']);
    });

    it('in interrupt and merge mode, answers a message followed by another together with it, in one turn', async () => {
      for (const mode of ['interrupt', 'merge']) {
        const { store, answer, model } = chat({ agent: { busyMode: mode } });
        const first = await store('first part');
        const second = await store('second part');

        expect(await answer(first.id)).toBe('');
        expect(await answer(second.id)).toBe('answer to second part');
        expect(model.requests).toHaveLength(1);
        expect(model.lastMessages.slice(1).map((m) => m.content)).toEqual(['first part', 'second part']);
        expect(await turns.begin(first.id)).toMatchObject({ status: 'failed' });
      }
    });

    it('in queue mode (here set for the platform only), answers each message in its own turn', async () => {
      const { store, answer, model } = chat({}, 'queue');
      const first = await store('first part');
      const second = await store('second part');
      expect(await answer(first.id)).toBe('answer to first part');
      expect(await answer(second.id)).toBe('answer to second part');
      // The first answer was written after the second message came, and still comes before it.
      expect(model.lastMessages.slice(1).map((m) => m.content)).toEqual(['first part', 'answer to first part', 'second part']);
    });

    it('a cancel asked by the message being answered does not stop its own answer', async () => {
      const { store, answer, cancels, key } = chat();
      const message = await store('mine');
      await cancels.cancel(key, { reason: 'interrupt', messageId: message.id });
      expect(await answer(message.id)).toBe('answer to mine');
    });
  });

  describe('reasoning, busy mode, compression and insights', () => {
    const isSummary = (request: LlmRouterRequest) => request.messages[0].content.startsWith('You write the memory');

    it('/reasoning sets the effort asked of the model, shows its thinking above the answer on request, and refuses other words', async () => {
      const { say, model, session } = chat();
      expect(await say('/reasoning')).toBe("Reasoning: default (the model's own)\nThinking: hidden");
      expect(await say('/reasoning high')).toBe('Reasoning for this conversation: high');
      expect(await say('why?')).toBe('answer to why?');
      expect(model.requests.at(-1)?.reasoning).toBe('high');

      expect(await say('/reasoning show')).toMatch(/is shown above their answers/);
      expect(await say('and how?')).toBe('💭 thinking high\n\nanswer to and how?');
      // The model is sent its answers without the thinking.
      await say('/reasoning default');
      await say('next');
      expect(model.requests.at(-1)?.reasoning).toBeUndefined();
      expect(model.lastMessages.map((m) => m.content)).toContain('answer to and how?');
      expect(model.lastMessages.map((m) => m.content).join('\n')).not.toContain('thinking');

      expect(await say('/reasoning loud')).toBe('"loud" is no reasoning setting. Use one of: off, low, medium, high, default, show, hide.');
      expect((await session()).settings).toMatchObject({ reasoning: null, showReasoning: true });
      expect(await say('/reasoning hide')).toBe('The thinking of the model is hidden.');
      expect(await say('/reasoning')).toBe("Reasoning: default (the model's own)\nThinking: hidden");
    });

    it('/busy sets the busy mode of this chat before the platform one, and refuses other words and unauthorised senders', async () => {
      const { say, store, answer, model } = chat({ security: { adminUsers: ['root'], commandPermissions: 'busy:admins' } }, 'merge');
      expect(await say('/busy queue', 'ada')).toBe('You are not allowed to run /busy.');
      expect(await say('/busy', 'root')).toBe("Busy mode here: merge (the gateway's setting)");
      expect(await say('/busy later', 'root')).toBe('"later" is no busy mode. Use one of: interrupt, queue, merge, default.');
      expect(await say('/busy queue', 'root')).toBe('Busy mode here: queue');
      expect(await say('/busy', 'root')).toBe("Busy mode here: queue (the gateway's: merge)");

      const first = await store('first part');
      const second = await store('second part');
      expect(await answer(first.id)).toBe('answer to first part');
      expect(await answer(second.id)).toBe('answer to second part');
      expect(model.requests).toHaveLength(2);
      expect(await say('/busy default', 'root')).toBe("Busy mode here: merge (the gateway's setting)");
    });

    it('compresses the history past AGENT_COMPRESS_AT_TOKENS: the summary replaces the older messages, which stay stored', async () => {
      const { say, model, session } = chat({ agent: { compressAtTokens: 40 } });
      const long = (n: number) => `message ${n} ${'word '.repeat(20)}`.trim();
      await say(long(1));
      await say(long(2));
      expect(model.requests.some(isSummary)).toBe(false);
      await say(long(3));

      const summaryRequest = model.requests.find(isSummary)!;
      expect(summaryRequest.messages[1].content).toContain('User (User ada): message 1');
      const answerRequest = model.requests.at(-1)!;
      expect(answerRequest.messages[0].content).toContain(`Summary of the earlier conversation (its messages are not repeated below):\nanswer to User (User ada): message 1`);
      expect(answerRequest.messages.slice(1).map((m) => m.content)).toEqual([long(2), `answer to ${long(2)}`, long(3)]);
      const sessionId = (await session()).id;
      const stored = await database.db.prisma.sessionSummary.findMany({ where: { sessionId } });
      expect(stored).toHaveLength(1);
      expect(stored[0].coversMessageId).toBe((await database.db.prisma.message.findFirst({ where: { sessionId, text: `answer to ${long(1)}` } }))!.id);
      expect(await database.db.prisma.message.count({ where: { sessionId, text: long(1) } })).toBe(1);
    });

    it('goes on without a summary when the summariser fails', async () => {
      const { say, model } = chat({ agent: { compressAtTokens: 40 } });
      model.failWhen = isSummary;
      const long = (n: number) => `message ${n} ${'word '.repeat(20)}`.trim();
      await say(long(1));
      await say(long(2));
      expect(await say(long(3))).toBe(`answer to ${long(3)}`);
      expect(model.requests.filter(isSummary)).toHaveLength(1);
      expect(model.lastMessages.slice(1).map((m) => m.content)).toEqual([long(1), `answer to ${long(1)}`, long(2), `answer to ${long(2)}`, long(3)]);
      expect(await say('/compress')).toMatch(/^Could not compress the conversation \(the model is unreachable\); it stays as it was, about \d+ tokens\.$/);
    });

    it('/compress summarises all but the last exchange now and reports the size before and after', async () => {
      const { say, model, session } = chat();
      expect(await say('/compress')).toBe('Nothing to compress: the conversation is only its last exchange, about 0 tokens.');
      expect(await say('/compress now')).toBe('/compress takes no arguments.');
      await say('first question about the trip to Rome in spring');
      await say('second question about hotels near the Pantheon');
      await say('third question');
      expect(await say('/compress')).toMatch(/^Compressed: 4 earlier messages summarised; about \d+ tokens before, \d+ after\. The messages stay stored\.$/);
      await say('fourth');
      expect(model.lastMessages[0].content).toContain('Summary of the earlier conversation');
      expect(model.lastMessages.slice(1).map((m) => m.content)).toEqual(['third question', 'answer to third question', 'fourth']);
      // A fresh conversation starts without the summary.
      await say('/new');
      await say('fifth');
      expect(model.lastMessages[0].content).not.toContain('Summary of the earlier conversation');
      expect(await database.db.prisma.sessionSummary.count({ where: { sessionId: (await session()).id } })).toBe(1);
    });

    it('/insights shows the answers, tokens, cost, models and busiest hours of the last days, and validates the days', async () => {
      const { say } = chat({ security: { adminUsers: ['root'], commandPermissions: 'insights:admins' } });
      expect(await say('/insights')).toBe('You are not allowed to run /insights.');
      expect(await say('/insights', 'root')).toBe('No answers to your messages in the last 7 days.');
      await say('one', 'root');
      await say('/model other', 'root');
      await say('two', 'root');
      const hour = String(new Date().getUTCHours()).padStart(2, '0');
      expect(await say('/insights 30', 'root')).toBe(
        [
          'Your use in the last 30 days:',
          'All your conversations here: 2 answers, 2000 tokens in, 1000 tokens out, about $0.01',
          'This conversation: 2 answers, 2000 tokens in, 1000 tokens out, about $0.01',
          'Models: echo:main (1), echo:other (1)',
          `Busiest hours (UTC): ${hour}:00 (2)`,
        ].join('\n'),
      );
      for (const days of ['0', '366', 'abc', '-3', '2.5']) {
        expect(await say(`/insights ${days}`, 'root')).toBe('/insights takes a number of days from 1 to 365, e.g. /insights 30.');
      }
    });
  });
});
