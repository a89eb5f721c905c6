import { DomainError, ErrorCode } from '@switchboard/core';
import { afterEach, describe, expect, it } from 'vitest';
import { TINY_PNG_BASE64 } from '@switchboard/testing';
import { ChatTestBed, hangAfterFirstDelta, startChatTestBed } from '../../testing/gateway-methods/scripted-chat';
import { Frame, TestSocket } from '../../testing/ws/test-socket';
import { ChatMethods } from './chat.methods';

describe('chat.send and chat.abort', () => {
  let bed: ChatTestBed;

  const start = async () => {
    bed = await startChatTestBed(({ runner, runs, router, config }) => new ChatMethods(runner, runs, router, config));
    return bed.plane.operator({ scopes: ['operator.read', 'operator.write'] });
  };
  afterEach(() => bed.plane.stop());

  /** The chat events of a run, through its last one. */
  async function runEvents(socket: TestSocket, runId: string): Promise<Frame[]> {
    const events: Frame[] = [];
    for (;;) {
      const event = await socket.next((frame) => frame.event === 'chat' && frame.payload?.runId === runId);
      events.push(event);
      if (event.payload.state !== 'delta') return events;
    }
  }

  it('accepts at once, then streams deltas and the final message to every reader, the sender included', async () => {
    const sender = await start();
    const watcher = await bed.plane.operator({ scopes: ['operator.read'] });

    const answer = await sender.request('chat.send', { sessionKey: 'support', message: 'Hi', idempotencyKey: 'run-1' });
    expect(answer.payload).toEqual({ runId: 'run-1', status: 'accepted', sessionKey: 'agent:main:webchat:dm:support' });

    for (const socket of [sender, watcher]) {
      const events = await runEvents(socket, 'run-1');
      expect(events.map((event) => event.payload)).toEqual([
        { runId: 'run-1', sessionKey: 'agent:main:webchat:dm:support', seq: 1, state: 'delta', deltaText: 'Hello ' },
        { runId: 'run-1', sessionKey: 'agent:main:webchat:dm:support', seq: 2, state: 'delta', deltaText: 'there.' },
        {
          runId: 'run-1',
          sessionKey: 'agent:main:webchat:dm:support',
          seq: 3,
          state: 'final',
          message: { role: 'assistant', content: [{ type: 'text', text: 'Hello there.' }], timestamp: expect.any(Number) },
          stopReason: 'stop',
          usage: { inputTokens: 12, outputTokens: 4 },
        },
      ]);
    }
    expect(bed.chat.requests[0]).toMatchObject({ platform: 'webchat', conversationId: 'support', text: 'Hi', sender: { displayName: 'switchboard-test' } });
  });

  it('runs a repeated idempotency key once and answers the repeat with the first response', async () => {
    const sender = await start();
    const params = { sessionKey: 'support', message: 'Hi', idempotencyKey: 'run-2' };
    const first = await sender.request('chat.send', params);
    await runEvents(sender, 'run-2');
    expect((await sender.request('chat.send', params)).payload).toEqual(first.payload);
    expect(bed.chat.requests).toHaveLength(1);
  });

  it('ends a run whose model failed with an error event that says why', async () => {
    const sender = await start();
    bed.chat.script = async function* () {
      yield { type: 'model', ref: 'echo:echo' };
      throw new DomainError(ErrorCode.TEMPORARY, 'the model timed out after 120000 ms');
    };
    await sender.request('chat.send', { sessionKey: 'support', message: 'Hi', idempotencyKey: 'run-3' });
    expect((await runEvents(sender, 'run-3')).at(-1)?.payload).toMatchObject({ state: 'error', errorMessage: 'the model timed out after 120000 ms' });
  });

  it('aborts the runs of a session, or only the one named, and reports the partial text', async () => {
    const sender = await start();
    bed.chat.script = hangAfterFirstDelta;
    await sender.request('chat.send', { sessionKey: 'a', message: 'Go', idempotencyKey: 'run-a1' });
    await sender.request('chat.send', { sessionKey: 'b', message: 'Go', idempotencyKey: 'run-b1' });
    await sender.next((frame) => frame.payload?.runId === 'run-a1');
    await sender.next((frame) => frame.payload?.runId === 'run-b1');

    expect((await sender.request('chat.abort', { sessionKey: 'a', runId: 'other' })).payload).toEqual({ ok: true, aborted: false, runIds: [] });
    expect((await sender.request('chat.abort', { sessionKey: 'agent:main:webchat:dm:a' })).payload).toEqual({ ok: true, aborted: true, runIds: ['run-a1'] });
    expect((await runEvents(sender, 'run-a1')).at(-1)?.payload).toMatchObject({
      state: 'aborted',
      message: { content: [{ type: 'text', text: 'Thinking' }] },
    });
    expect((await sender.request('chat.abort', { sessionKey: 'b', runId: 'run-b1' })).payload).toMatchObject({ aborted: true });
  });

  it('refuses an empty message, a bad attachment and chat platform sessions before any run starts', async () => {
    const sender = await start();
    const refusal = async (params: Record<string, unknown>) =>
      (await sender.request('chat.send', { sessionKey: 'support', message: 'Hi', idempotencyKey: `k-${Math.random()}`, ...params })).error;

    expect(await refusal({ message: '  ' })).toMatchObject({ code: 'INVALID_REQUEST', message: 'message is empty' });
    expect(await refusal({ attachments: [{ type: 'image' }] })).toMatchObject({
      code: 'INVALID_REQUEST',
      message: "invalid chat.send params: /attachments/0: must have required property 'mimeType'",
      details: { code: 'INVALID_PARAMS' },
    });
    expect(await refusal({ attachments: [{ mimeType: 'image/jpeg', fileName: 'cat.jpg', content: TINY_PNG_BASE64 }] })).toMatchObject({
      code: 'INVALID_REQUEST',
      message: 'attachments[0] (cat.jpg): the content is not a valid image/jpeg file',
      details: { code: 'INVALID_PARAMS' },
    });
    expect(await refusal({ sessionKey: 'agent:main:telegram:dm:1' })).toMatchObject({ code: 'INVALID_REQUEST' });
    expect(bed.chat.requests).toEqual([]);
  });

  it('passes image attachments to the turn, with or without text', async () => {
    const sender = await start();
    const image = { type: 'image', mimeType: 'image/png', fileName: 'tiny.png', content: TINY_PNG_BASE64 };
    await sender.request('chat.send', { sessionKey: 'support', message: 'What is this?', idempotencyKey: 'run-img-1', attachments: [image] });
    await sender.request('chat.send', { sessionKey: 'support', message: '', idempotencyKey: 'run-img-2', attachments: [{ ...image, type: undefined }] });

    expect(bed.chat.requests.map((request) => [request.text, request.images])).toEqual([
      ['What is this?', [{ mimeType: 'image/png', dataBase64: TINY_PNG_BASE64, fileName: 'tiny.png' }]],
      ['', [{ mimeType: 'image/png', dataBase64: TINY_PNG_BASE64, fileName: 'tiny.png' }]],
    ]);
  });

  it('needs operator.write to send', async () => {
    await start();
    const reader = await bed.plane.operator({ scopes: ['operator.read'] });
    const answer = await reader.request('chat.send', { sessionKey: 'support', message: 'Hi', idempotencyKey: 'run-r' });
    expect(answer.error).toMatchObject({ code: 'FORBIDDEN', details: { missingScope: 'operator.write' } });
  });

  it('replaces the unhandled error of a broken run with an id to look up in the log', async () => {
    const sender = await start();
    bed.chat.script = async function* () {
      yield { type: 'model', ref: 'echo:echo' };
      throw new TypeError('cannot read properties of undefined');
    };
    await sender.request('chat.send', { sessionKey: 'support', message: 'Hi', idempotencyKey: 'run-4' });
    const last = (await runEvents(sender, 'run-4')).at(-1)?.payload;
    expect(last.errorMessage).toMatch(/^the turn failed \(errorId [0-9a-f-]{36}\)$/);
  });
});
