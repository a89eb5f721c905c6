import { Logger } from '@nestjs/common';
import { describe, expect, it } from 'vitest';
import type { DirectChatEvent } from '@switchboard/agent';
import { DomainError, ErrorCode } from '@switchboard/core';
import { collectCompletion } from './chat-completion.response';
import { completionStream } from './chat-completion.stream';
import type { StartedCompletion } from './create-chat-completion.use-case';

const logger = new Logger('test');
Logger.overrideLogger(false);

function started(events: DirectChatEvent[], failure?: Error): StartedCompletion {
  async function* run(): AsyncGenerator<DirectChatEvent> {
    yield* events;
    if (failure) throw failure;
  }
  return { id: 'chatcmpl-1', created: 1_700_000_000, model: 'echo:echo', events: run() };
}

const answer: DirectChatEvent[] = [
  { type: 'text', delta: 'Hello' },
  { type: 'text', delta: ' world' },
  { type: 'usage', inputTokens: 12, outputTokens: 2 },
  { type: 'done', text: 'Hello world' },
];

async function sse(completion: StartedCompletion, includeUsage: boolean, signal = new AbortController().signal): Promise<unknown[]> {
  const events: unknown[] = [];
  for await (const text of completionStream(completion, { includeUsage, signal, logger })) {
    expect(text).toMatch(/^data: .*\n\n$/s);
    const data = text.slice('data: '.length, -2);
    events.push(data === '[DONE]' ? data : JSON.parse(data));
  }
  return events;
}

const chunk = (choices: unknown[], extra: object = {}) => ({
  id: 'chatcmpl-1',
  object: 'chat.completion.chunk',
  created: 1_700_000_000,
  model: 'echo:echo',
  choices,
  ...extra,
});
const choice = (delta: object, finish_reason: string | null = null) => ({ index: 0, delta, logprobs: null, finish_reason });

describe('completionStream', () => {
  it('sends the role, each delta, a stop chunk and [DONE]', async () => {
    expect(await sse(started(answer), false)).toEqual([
      chunk([choice({ role: 'assistant', content: '' })]),
      chunk([choice({ content: 'Hello' })]),
      chunk([choice({ content: ' world' })]),
      chunk([choice({}, 'stop')]),
      '[DONE]',
    ]);
  });

  it('with include_usage, adds usage: null to each chunk and a last chunk with the usage and no choices', async () => {
    const events = await sse(started(answer), true);
    expect(events.slice(-3)).toEqual([
      chunk([choice({}, 'stop')], { usage: null }),
      chunk([], { usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 } }),
      '[DONE]',
    ]);
    expect(events[0]).toMatchObject({ usage: null });
  });

  it('ends with an OpenAI error event, without [DONE], when the model fails mid-answer', async () => {
    const failure = new DomainError(ErrorCode.TEMPORARY, 'openai-compatible:m: socket hang up');
    const events = await sse(started(answer.slice(0, 1), failure), false);
    expect(events).toEqual([
      chunk([choice({ role: 'assistant', content: '' })]),
      chunk([choice({ content: 'Hello' })]),
      { error: { message: 'The model is unavailable right now; try again later.', type: 'server_error', param: null, code: null } },
    ]);
  });

  it('writes nothing more once the client has gone', async () => {
    const gone = new AbortController();
    gone.abort();
    const events = await sse(started([], new Error('aborted')), false, gone.signal);
    expect(events).toHaveLength(1);
  });
});

describe('collectCompletion', () => {
  it('returns the whole answer as one chat.completion with its usage', async () => {
    expect(await collectCompletion(started(answer))).toEqual({
      id: 'chatcmpl-1',
      object: 'chat.completion',
      created: 1_700_000_000,
      model: 'echo:echo',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Hello world', refusal: null }, finish_reason: 'stop', logprobs: null }],
      usage: { prompt_tokens: 12, completion_tokens: 2, total_tokens: 14 },
    });
  });

  it('reports zero tokens when the provider gave no usage, and passes failures on', async () => {
    expect((await collectCompletion(started(answer.slice(0, 1)))).usage).toEqual({ prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 });
    await expect(collectCompletion(started([], new Error('boom')))).rejects.toThrow('boom');
  });
});
