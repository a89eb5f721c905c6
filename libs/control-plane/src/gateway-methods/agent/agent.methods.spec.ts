import { afterEach, describe, expect, it } from 'vitest';
import { ChatTestBed, hangAfterFirstDelta, startChatTestBed } from '../../testing/gateway-methods/scripted-chat';
import { AgentMethods } from './agent.methods';

describe('agent', () => {
  let bed: ChatTestBed;

  const start = async () => {
    bed = await startChatTestBed(({ runner, router, config }) => new AgentMethods(runner, router, config));
    return bed.plane.operator();
  };
  afterEach(() => bed.plane.stop());

  it('answers in two phases with lifecycle, assistant and usage events to the caller in between', async () => {
    const caller = await start();
    caller.send({ type: 'req', id: 'r1', method: 'agent', params: { message: 'Hi', idempotencyKey: 'run-1' } });

    expect((await caller.response('r1')).payload).toEqual({ runId: 'run-1', status: 'accepted', acceptedAt: expect.any(Number) });
    const final = await caller.response('r1');
    const events = caller.frames.filter((frame) => frame.event === 'agent').map((frame) => frame.payload);
    expect(events.map((event) => [event.seq, event.stream, event.data])).toEqual([
      [1, 'lifecycle', { phase: 'start', startedAt: expect.any(Number) }],
      [2, 'assistant', { text: 'Hello ', delta: 'Hello ' }],
      [3, 'assistant', { text: 'Hello there.', delta: 'there.' }],
      [4, 'usage', { inputTokens: 12, outputTokens: 4 }],
      [5, 'lifecycle', { phase: 'end', endedAt: expect.any(Number) }],
    ]);
    expect(events.every((event) => event.runId === 'run-1' && event.sessionKey === 'agent:main:webchat:dm:main')).toBe(true);
    expect(final.payload).toEqual({
      runId: 'run-1',
      status: 'ok',
      summary: 'completed',
      result: {
        payloads: [{ text: 'Hello there.' }],
        meta: { sessionKey: 'agent:main:webchat:dm:main', durationMs: expect.any(Number), model: 'echo:echo', usage: { inputTokens: 12, outputTokens: 4 } },
      },
    });
  });

  it('runs in the named web chat on the model the client picks among the configured ones', async () => {
    const caller = await start();
    const params = { message: 'Hi', idempotencyKey: 'run-2', sessionKey: 'research', provider: 'echo', model: 'echo', thinking: 'low', label: 'x' };
    caller.send({ type: 'req', id: 'r2', method: 'agent', params });
    await caller.response('r2');
    expect((await caller.response('r2')).payload).toMatchObject({ status: 'ok' });
    expect(bed.chat.requests[0]).toMatchObject({ conversationId: 'research', model: 'echo:echo' });
  });

  it('stops the run when the caller goes away', async () => {
    const caller = await start();
    bed.chat.script = hangAfterFirstDelta;
    caller.send({ type: 'req', id: 'r3', method: 'agent', params: { message: 'Hi', idempotencyKey: 'run-3' } });
    await caller.next((frame) => frame.event === 'agent' && frame.payload.stream === 'assistant');

    caller.close();
    await caller.closed;
    await expect.poll(() => bed.chat.requests[0].signal?.aborted).toBe(true);
  });

  it('reports an aborted run as an error result', async () => {
    const caller = await start();
    bed.chat.script = hangAfterFirstDelta;
    caller.send({ type: 'req', id: 'r4', method: 'agent', params: { message: 'Hi', idempotencyKey: 'run-4' } });
    await caller.next((frame) => frame.event === 'agent' && frame.payload.stream === 'assistant');

    bed.runs.abort('agent:main:webchat:dm:main', 'run-4');
    await caller.response('r4');
    expect((await caller.response('r4')).payload).toEqual({ runId: 'run-4', status: 'error', summary: 'aborted' });
  });

  it('refuses what it cannot honour instead of ignoring it', async () => {
    const caller = await start();
    const refusal = async (params: Record<string, unknown>) =>
      (await caller.request('agent', { message: 'Hi', idempotencyKey: `k-${Math.random()}`, ...params })).error?.message;

    expect(await refusal({ agentId: 'sales' })).toBe('unknown agent sales');
    expect(await refusal({ deliver: true, channel: 'telegram', to: '42' })).toMatch(/^delivery to a channel is not supported/);
    expect(await refusal({ channel: 'telegram' })).toMatch(/web chat sessions only/);
    expect(await refusal({ model: 'gpt-9' })).toBe('model gpt-9 is not configured; available: echo:echo');
    expect(await refusal({ extraSystemPrompt: 'Be a pirate.' })).toMatch(/^extraSystemPrompt is not supported/);
    expect(await refusal({ attachments: [{ type: 'image' }] })).toBe('attachments are not supported by agent: send images with chat.send');
    expect(bed.chat.requests).toEqual([]);
  });
});
