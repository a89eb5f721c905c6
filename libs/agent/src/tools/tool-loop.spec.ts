import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { ChannelRegistry } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { MessageRepository, SessionSummaryRepository, ToolCallRepository, TurnRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase, uniquePlatform } from '@switchboard/persistence/security/testing-databases';
import type { LlmMessage, LlmRouter, LlmRouterEvent, LlmRouterRequest } from '@switchboard/providers';
import { InProcessTurnCancels } from '@switchboard/sessions';
import { inboundDm } from '@switchboard/testing';
import { commandRegistryFor, toolLoopFor } from '../testing/command-registry-for';
import { ToolApprovals } from '../commands/approval.commands';
import { ContextCompressor } from '../context/context-compressor';
import { TurnRunner } from '../turn/turn-runner';
import type { AgentTool, ToolSource } from './agent-tool';
import { ToolApprovalSweeper } from './tool-approval.sweeper';
import { recordingChannel } from '../testing/recording-channel';

type Step = { text?: string; calls?: { name: string; args: Record<string, unknown> }[] };

/** A model that plays scripted steps in order (text, tool calls) and records what it was asked. */
class ToolScriptModel implements Pick<LlmRouter, 'stream' | 'describe' | 'models' | 'findModel'> {
  readonly requests: LlmRouterRequest[] = [];
  private next = 0;
  constructor(private readonly steps: Step[]) {}

  describe() {
    return { provider: 'echo' as const, model: 'main', fallbacks: [] };
  }
  models() {
    return ['echo:main'];
  }
  findModel() {
    return undefined;
  }
  async *stream(request: LlmRouterRequest): AsyncGenerator<LlmRouterEvent> {
    this.requests.push(request);
    const step = this.steps[this.next++] ?? { text: 'no more script' };
    yield { type: 'model', ref: 'echo:main' };
    if (step.text) yield { type: 'text', delta: step.text };
    for (const call of step.calls ?? []) yield { type: 'tool_call', call: { id: `call-${randomUUID()}`, name: call.name, arguments: JSON.stringify(call.args) } };
    yield { type: 'usage', inputTokens: 10, outputTokens: 5 };
    yield { type: 'done', stopReason: step.calls?.length ? 'tool_calls' : 'end' };
  }
  /** The tool results the model was given in its last request. */
  get lastToolResults(): string[] {
    return this.requests.at(-1)!.messages.filter((message: LlmMessage) => message.role === 'tool').map((message) => message.content);
  }
}

/** A tool that counts its runs and answers "ran <n>". */
function countingTool(name: string, requiresApproval = false): AgentTool & { runs: number } {
  const tool = {
    name,
    description: `counts (${name})`,
    parameters: { type: 'object', properties: { n: { type: 'number' } }, additionalProperties: false },
    permission: 'everyone' as const,
    requiresApproval,
    timeoutMs: 1_000,
    runs: 0,
    async run() {
      tool.runs += 1;
      return { content: `ran ${tool.runs}` };
    },
  };
  return tool;
}

describe('the tool loop of a turn', () => {
  let database: TestDatabase;
  let messages: MessageRepository;
  let turns: TurnRepository;
  let calls: ToolCallRepository;

  beforeAll(async () => {
    database = await openTestDatabase('pglite');
    messages = new MessageRepository(database.db);
    turns = new TurnRepository(database.db);
    calls = new ToolCallRepository(database.db);
  });
  afterAll(() => database.close());

  function chat(steps: Step[], tools: AgentTool[], agent: Record<string, unknown> = {}) {
    const platform = uniquePlatform('tools');
    const config = configSchema.parse({ llm: { provider: 'echo' }, agent: { toolProgress: 'all', ...agent }, security: { adminUsers: ['root'] } });
    const model = new ToolScriptModel(steps);
    const { channel, sent } = recordingChannel(platform);
    const queued: { messageId: string; jobId?: string }[] = [];
    const queue = { add: async (_name: string, payload: { messageId: string }, options?: { jobId?: string }) => (queued.push({ ...payload, jobId: options?.jobId }), '') };
    const source: ToolSource = { id: 'test', tools: () => tools };
    const runner = new TurnRunner(
      turns,
      new ChannelRegistry([channel]),
      model,
      commandRegistryFor(database.db, config, model, queue as never),
      toolLoopFor(database.db, config, model, [source]),
      new InProcessTurnCancels(),
      new SwitchboardMetrics(),
      new ContextCompressor(new SessionSummaryRepository(database.db), model, config),
      config,
    );
    const key = `agent:main:${platform}:dm:chat-ada`;
    async function store(text: string, userId = 'ada') {
      const message = inboundDm(platform, userId, { text, chatId: 'chat-ada' });
      const identity = { key, agentId: 'main', platform, accountId: 'default', chatType: 'dm' as const, chatId: 'chat-ada' };
      return (await messages.acceptInbound(identity, message, new Date())).message!;
    }
    async function say(text: string, userId = 'ada') {
      const stored = await store(text, userId);
      await run(stored.id);
      return stored;
    }
    const run = (id: string, last = true) => runner.run(id, { last, lease: { token: randomUUID() } });
    const sweeper = new ToolApprovalSweeper(calls, new ToolApprovals(calls, queue as never), config);
    return { say, store, run, model, sent, queued, sweeper };
  }

  const pending = async (messageId: string) => database.db.prisma.pendingMessage.findUnique({ where: { messageId } });
  const turnOf = (messageId: string) => database.db.prisma.turn.findUniqueOrThrow({ where: { inboundMessageId: messageId }, include: { toolCalls: true, replyMessage: true } });

  it('runs the tool the model calls, gives it the result, and delivers the answer; the call is recorded', async () => {
    const counter = countingTool('counter');
    const { say, model, sent } = chat([{ text: 'Let me count.', calls: [{ name: 'counter', args: { n: 1 } }] }, { text: 'It ran once.' }], [counter]);

    const inbound = await say('count please');

    expect(counter.runs).toBe(1);
    expect(model.requests[0].tools?.map((tool) => tool.name)).toEqual(['counter']);
    expect(model.lastToolResults).toEqual(['ran 1']);
    expect(sent.at(-1)).toBe('Let me count.\n🔧 counter\n\nIt ran once.');
    const turn = await turnOf(inbound.id);
    expect(turn.status).toBe('delivered');
    // Later turns see the model's words, not the progress lines.
    expect(turn.replyMessage?.text).toBe('Let me count.\n\nIt ran once.');
    expect(turn.toolCalls).toMatchObject([{ tool: 'counter', arguments: '{"n":1}', status: 'completed', result: 'ran 1', isError: false, senderId: 'ada' }]);
  });

  it('tells the model of invalid arguments or an unknown tool instead of running anything', async () => {
    const counter = countingTool('counter');
    const { say, model } = chat(
      [{ calls: [{ name: 'counter', args: { n: 'many' } }, { name: 'shell', args: {} }] }, { text: 'Sorry.' }],
      [counter],
    );
    await say('count');
    expect(counter.runs).toBe(0);
    expect(model.lastToolResults).toEqual([expect.stringMatching(/^Invalid arguments for counter: arguments\/n must be number/), expect.stringMatching(/^There is no tool named "shell"/)]);
  });

  it('stops calling tools after AGENT_TOOL_MAX_STEPS responses and has the model answer', async () => {
    const counter = countingTool('counter');
    const always = { calls: [{ name: 'counter', args: {} }] };
    const { say, model, sent } = chat([always, always, { text: 'Done counting.', ...always }], [counter], { toolMaxSteps: 2 });
    await say('count forever');
    expect(counter.runs).toBe(2);
    expect(model.requests).toHaveLength(3);
    expect(model.requests[2].messages.at(-1)).toMatchObject({ role: 'system', content: expect.stringContaining('without calling tools') });
    expect(sent.at(-1)).toMatch(/Done counting\.$/);
  });

  it('does not run a completed call again when the turn is run again after a failure', async () => {
    const counter = countingTool('counter');
    const { store, run, model } = chat([{ calls: [{ name: 'counter', args: {} }] }, { text: 'Counted.' }], [counter]);
    // The second response fails (not the last attempt): the job runs the turn again.
    const stream = model.stream.bind(model);
    model.stream = (request) => {
      if (model.requests.length === 1) {
        model.requests.push(request);
        throw new Error('model down');
      }
      return stream(request);
    };
    const stored = await store('count once');
    await expect(run(stored.id, false)).rejects.toThrow('model down');
    await run(stored.id);
    expect(counter.runs).toBe(1);
    expect(model.requests).toHaveLength(3);
    expect(model.lastToolResults).toEqual(['ran 1']);
    expect((await turnOf(stored.id)).status).toBe('delivered');
  });

  describe('a tool that requires approval', () => {
    const script: Step[] = [{ text: 'I need the vault.', calls: [{ name: 'vault', args: { n: 7 } }] }, { text: 'The vault says hi.' }];

    it('parks the turn with a question; /approve from an admin resumes it and the tool runs once', async () => {
      const vault = countingTool('vault', true);
      const { say, run, sent, queued, model } = chat(script, [vault]);

      const inbound = await say('open the vault');

      expect(vault.runs).toBe(0);
      const question = sent.at(-1)!;
      expect(question).toMatch(/^I need the vault\.\n\n🔐 Tool vault wants to run with \{"n":7\}: \/approve ([0-9a-f]{8}) or \/deny \1/);
      expect((await turnOf(inbound.id)).status).toBe('running');
      expect(await pending(inbound.id)).toBeNull(); // the sweeper leaves it to the decision
      const id = /\/approve ([0-9a-f]{8})/.exec(question)![1];

      await say(`/approve ${id}`, 'root');
      expect(sent.at(-1)).toBe('✅ Approved: vault runs now.');
      const [{ jobId }] = queued;
      expect(jobId).toMatch(new RegExp(`^${inbound.id}:${id}`));
      expect((await pending(inbound.id))?.jobId).toBe(jobId);

      await run(inbound.id);
      await run(inbound.id); // a second run of the same job changes nothing
      expect(vault.runs).toBe(1);
      expect(model.lastToolResults).toEqual(['ran 1']);
      expect(sent.at(-1)).toBe('I need the vault.\n🔧 vault\n\nThe vault says hi.');
      expect(sent.filter((text) => text.endsWith('The vault says hi.'))).toHaveLength(1);
      const turn = await turnOf(inbound.id);
      expect(turn.status).toBe('delivered');
      expect(turn.toolCalls).toMatchObject([{ status: 'completed', decidedBy: expect.stringMatching(/:root$/), result: 'ran 1' }]);
      expect(await pending(inbound.id)).toBeNull();
    });

    it('answers a parked message once: a later message answers it too and settles the waiting call (AGENT_BUSY_MODE interrupt)', async () => {
      const vault = countingTool('vault', true);
      const { say, run, sent, model } = chat([...script.slice(0, 1), { text: 'Both answered.' }, { text: 'The vault says hi.' }], [vault]);
      const parked = await say('open the vault');
      const id = /\/approve ([0-9a-f]{8})/.exec(sent.at(-1)!)![1];

      await say('never mind, what time is it?');
      expect(sent.at(-1)).toBe('Both answered.');
      expect(model.requests[1].messages.some((message) => message.content.includes('open the vault'))).toBe(true);
      await say(`/approve ${id}`, 'root');
      expect(sent.at(-1)).toBe(`No tool call ${id} waits for approval in this chat.`);
      await run(parked.id);

      expect(sent.filter((text) => text.endsWith('The vault says hi.'))).toEqual([]);
      expect(vault.runs).toBe(0);
      const turn = await turnOf(parked.id);
      expect(turn).toMatchObject({ status: 'failed', error: expect.stringMatching(/^folded/) });
      expect(turn.toolCalls).toMatchObject([{ status: 'denied', result: expect.stringMatching(/later message/) }]);
    });

    it('answers a parked message once when its call expires before the later message is answered: the resumed turn finds itself closed', async () => {
      const vault = countingTool('vault', true);
      const { say, store, run, sent, queued, sweeper, model } = chat([...script.slice(0, 1), { text: 'Both answered.' }, { text: 'The vault says hi.' }], [vault]);
      const parked = await say('open the vault');
      const later = await store('never mind, what time is it?');
      await database.db.prisma.toolCall.updateMany({ where: { turn: { inboundMessageId: parked.id } }, data: { expiresAt: new Date(Date.now() - 1) } });
      expect(await sweeper.sweep()).toBe(1);

      await run(later.id);
      expect(sent.at(-1)).toBe('Both answered.');
      for (const job of queued) await run(job.messageId);

      expect(model.requests).toHaveLength(2);
      expect(sent.filter((text) => text.endsWith('The vault says hi.'))).toEqual([]);
      const turn = await turnOf(parked.id);
      expect(turn).toMatchObject({ status: 'failed', error: expect.stringMatching(/^folded/) });
      expect(turn.toolCalls).toMatchObject([{ status: 'expired' }]);
      expect(await pending(parked.id)).toBeNull();
    });

    it('/stop cancels the call waiting for approval: nothing resumes its turn, /approve finds nothing, the sweep neither', async () => {
      const vault = countingTool('vault', true);
      const { say, sent, sweeper, queued } = chat(script, [vault], { busyMode: 'queue' });
      const parked = await say('open the vault');
      const id = /\/approve ([0-9a-f]{8})/.exec(sent.at(-1)!)![1];

      await say('/stop');
      expect(sent.at(-1)).toBe('⏹ Stopped. The answer that waited for a tool call was cancelled; the tool does not run.');
      await say(`/approve ${id}`, 'root');
      expect(sent.at(-1)).toBe(`No tool call ${id} waits for approval in this chat.`);
      await database.db.prisma.toolCall.updateMany({ where: { turn: { inboundMessageId: parked.id } }, data: { expiresAt: new Date(Date.now() - 1) } });
      expect(await sweeper.sweep()).toBe(0);

      expect(queued).toEqual([]);
      expect(vault.runs).toBe(0);
      const turn = await turnOf(parked.id);
      expect(turn).toMatchObject({ status: 'failed', error: expect.stringMatching(/\/stop/) });
      expect(turn.toolCalls).toMatchObject([{ status: 'denied', result: expect.stringMatching(/^Stopped with \/stop/), decidedBy: expect.stringMatching(/:ada$/) }]);
    });

    it('/stop after an approval, before the turn resumed, cancels it too: the tool does not run', async () => {
      const vault = countingTool('vault', true);
      const { say, run, sent, queued } = chat(script, [vault]);
      const parked = await say('open the vault');
      await say('/approve', 'root');
      await say('/stop');
      expect(sent.at(-1)).toMatch(/^⏹ Stopped\. The answer that waited for a tool call was cancelled/);

      for (const job of queued) await run(job.messageId);
      expect(vault.runs).toBe(0);
      expect((await turnOf(parked.id)).status).toBe('failed');
      expect(await pending(parked.id)).toBeNull();
    });

    it('in AGENT_BUSY_MODE queue, a later message leaves the call waiting, and the approved turn answers its own message', async () => {
      const vault = countingTool('vault', true);
      const { say, run, sent } = chat([...script.slice(0, 1), { text: 'It is noon.' }, { text: 'The vault says hi.' }], [vault], { busyMode: 'queue' });
      const parked = await say('open the vault');
      const id = /\/approve ([0-9a-f]{8})/.exec(sent.at(-1)!)![1];

      await say('what time is it?');
      await say(`/approve ${id}`, 'root');
      await run(parked.id);

      expect(vault.runs).toBe(1);
      expect(sent.filter((text) => text.endsWith('The vault says hi.'))).toHaveLength(1);
      expect((await turnOf(parked.id)).status).toBe('delivered');
    });

    it('refuses /approve to a user who is no admin, and the call keeps waiting', async () => {
      const vault = countingTool('vault', true);
      const { say, sent, queued } = chat(script, [vault]);
      const inbound = await say('open the vault');
      await say('/approve', 'ada');
      expect(sent.at(-1)).toBe('You are not allowed to run /approve.');
      expect(queued).toEqual([]);
      expect((await turnOf(inbound.id)).toolCalls[0].status).toBe('pending_approval');
    });

    it('after /deny, the model is told and the tool never runs', async () => {
      const vault = countingTool('vault', true);
      const { say, run, model, sent } = chat(script, [vault]);
      const inbound = await say('open the vault');
      await say('/deny', 'root');
      expect(sent.at(-1)).toBe('⛔ Denied: vault does not run.');
      await run(inbound.id);
      expect(vault.runs).toBe(0);
      expect(model.lastToolResults).toEqual([expect.stringMatching(/denied this call; it did not run/)]);
      expect((await turnOf(inbound.id)).status).toBe('delivered');
    });

    it('expires unanswered: the sweep resumes the turn and the model is told it did not run', async () => {
      const vault = countingTool('vault', true);
      const { say, run, model, queued, sweeper } = chat(script, [vault], { toolApprovalTtlSeconds: 1 });
      const inbound = await say('open the vault');
      await database.db.prisma.toolCall.updateMany({ where: { turn: { inboundMessageId: inbound.id } }, data: { expiresAt: new Date(Date.now() - 1) } });

      expect(await sweeper.sweep()).toBe(1);
      expect(queued).toEqual([expect.objectContaining({ messageId: inbound.id })]);
      await run(inbound.id);
      expect(vault.runs).toBe(0);
      expect(model.lastToolResults).toEqual(['Nobody approved this call in time; it did not run.']);
      expect((await turnOf(inbound.id)).toolCalls[0].status).toBe('expired');
    });

    it('/approve after the expiry does not run the tool', async () => {
      const vault = countingTool('vault', true);
      const { say, sent } = chat(script, [vault]);
      const inbound = await say('open the vault');
      await database.db.prisma.toolCall.updateMany({ where: { turn: { inboundMessageId: inbound.id } }, data: { expiresAt: new Date(Date.now() - 1) } });
      await say('/approve', 'root');
      expect(sent.at(-1)).toMatch(/expired before your answer; it does not run\.$/);
    });
  });
});
