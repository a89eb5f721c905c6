import Anthropic from '@anthropic-ai/sdk';
import { Ollama } from 'ollama';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakeLlmServer } from './fake-llm.server';

const server = new FakeLlmServer({ models: ['fake-small', 'fake-large'] });
const weatherCall = { name: 'get_weather', arguments: { city: 'Paris', days: 3 } };

beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.reset());

async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('FakeLlmServer with the OpenAI client', () => {
  const openai = () => new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'sk-test', maxRetries: 0 });
  const messages = [
    { role: 'system' as const, content: 'You are terse.' },
    { role: 'user' as const, content: 'Say hello' },
  ];

  it('streams the scripted text in chunks, role first, usage last', async () => {
    server.enqueue({ text: 'Hello there, friend!', chunks: 4, usage: { inputTokens: 12, outputTokens: 5 } });
    const stream = await openai().chat.completions.create({
      model: 'gpt-test',
      messages,
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(chunks[0].choices[0].delta.role).toBe('assistant');
    const pieces = chunks.flatMap((chunk) => chunk.choices.map((choice) => choice.delta.content ?? ''));
    expect(pieces.filter(Boolean)).toHaveLength(4);
    expect(pieces.join('')).toBe('Hello there, friend!');
    expect(chunks.at(-2)?.choices[0].finish_reason).toBe('stop');
    expect(chunks.at(-1)?.choices).toEqual([]);
    expect(chunks.at(-1)?.usage).toMatchObject({ prompt_tokens: 12, completion_tokens: 5, total_tokens: 17 });
  });

  it('streams tool calls that the client assembles into parsed arguments', async () => {
    server.enqueue({ toolCalls: [weatherCall, { id: 'call_2', name: 'get_time', arguments: { zone: 'CET' } }] });
    const stream = openai().chat.completions.stream({ model: 'gpt-test', messages });
    const final = await stream.finalChatCompletion();

    const choice = final.choices[0];
    expect(choice.finish_reason).toBe('tool_calls');
    const calls = (choice.message.tool_calls ?? []).map((call) =>
      call.type === 'function' ? [call.function.name, JSON.parse(call.function.arguments)] : [],
    );
    expect(calls).toEqual([
      ['get_weather', { city: 'Paris', days: 3 }],
      ['get_time', { zone: 'CET' }],
    ]);
    expect(choice.message.tool_calls?.[1].id).toBe('call_2');
  });

  it('answers a non-stream request and records the prompt it was sent', async () => {
    const completion = await openai().chat.completions.create({ model: 'gpt-test', messages, max_completion_tokens: 64, temperature: 0.3 });

    expect(completion.choices[0].message.content).toBe('echo: Say hello');
    expect(completion.usage?.total_tokens).toBeGreaterThan(0);
    expect(server.requests).toHaveLength(1);
    expect(server.requests[0]).toMatchObject({
      api: 'openai',
      method: 'POST',
      path: '/v1/chat/completions',
      model: 'gpt-test',
      stream: false,
      userText: 'Say hello',
      systemText: 'You are terse.',
      sampling: { maxOutputTokens: 64, temperature: 0.3 },
    });
    expect(server.requests[0].headers.authorization).toBe('Bearer sk-test');
    expect(server.requests[0].body.messages).toEqual(messages);
  });

  it('surfaces a scripted 429 as a RateLimitError carrying retry-after', async () => {
    server.enqueue({ error: { status: 429, retryAfter: 7 } });
    const error = await openai()
      .chat.completions.create({ model: 'gpt-test', messages })
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.headers.get('retry-after')).toBe('7');
    expect(rateLimit.code).toBe('rate_limit_exceeded');
  });

  it('maps 401 and 500 to the matching client errors', async () => {
    server.enqueue({ error: { status: 401 } }, { error: { status: 500, message: 'boom' } });
    const request = () => openai().chat.completions.create({ model: 'gpt-test', messages });

    await expect(request()).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    await expect(request()).rejects.toThrow(/boom/);
  });

  it('lets the client retry after a 429 and then answers normally', async () => {
    server.enqueue({ error: { status: 429, retryAfter: 0 } }, { text: 'second time lucky' });
    const client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'x', maxRetries: 1 });
    const completion = await client.chat.completions.create({ model: 'gpt-test', messages });

    expect(completion.choices[0].message.content).toBe('second time lucky');
    expect(server.requests).toHaveLength(2);
  });

  it('holds each delta back by the per-chunk delay: a client that leaves after the first chunk cuts the reply', async () => {
    // Without the delay the whole reply is written at once and ends before the client can leave.
    server.enqueue({ text: 'slow reply here', chunks: 3, chunkDelayMs: 60_000 });
    const stream = await openai().chat.completions.create({ model: 'gpt-test', messages, stream: true });
    const chunks = stream[Symbol.asyncIterator]();
    const first = await chunks.next();

    expect(first.done).toBe(false);
    expect(first.value?.choices[0].delta).toMatchObject({ role: 'assistant' });
    expect(first.value?.choices[0].delta.content ?? '').toBe('');
    stream.controller.abort();
    await until(() => server.requests[0].aborted);
  });

  it('stalls mid-stream until the client aborts, and records the abort', async () => {
    server.enqueue({ text: 'abcdef', chunks: 3, hang: 'mid-stream' });
    const stream = await openai().chat.completions.create({ model: 'gpt-test', messages, stream: true });
    let text = '';
    const reading = (async () => {
      for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    })();

    await until(() => text === 'ab');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(text).toBe('ab');
    stream.controller.abort();
    await reading;
    await until(() => server.requests[0].aborted);
  });

  it('never answers a hung request, so the client times out', async () => {
    server.enqueue({ hang: 'no-response' });
    const client = new OpenAI({ baseURL: server.openaiBaseUrl, apiKey: 'x', maxRetries: 0, timeout: 200 });

    await expect(client.chat.completions.create({ model: 'gpt-test', messages })).rejects.toBeInstanceOf(
      OpenAI.APIConnectionTimeoutError,
    );
  });

  it('writes the SSE wire format byte for byte: data lines only, ending with [DONE]', async () => {
    server.enqueue({ text: 'ok', chunks: 1 });
    const response = await fetch(`${server.openaiBaseUrl}/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-test', messages, stream: true }),
    });
    const frames = (await response.text()).split('\n\n').filter(Boolean);

    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(frames.every((frame) => frame.startsWith('data: ') && !frame.includes('\n'))).toBe(true);
    expect(frames.at(-1)).toBe('data: [DONE]');
    const chunks = frames.slice(0, -1).map((frame) => JSON.parse(frame.slice('data: '.length)));
    expect(chunks.map((chunk) => chunk.choices[0].delta)).toEqual([
      { role: 'assistant', content: '', refusal: null },
      { content: 'ok' },
      {},
    ]);
    expect(chunks[0]).toMatchObject({ object: 'chat.completion.chunk', model: 'gpt-test' });
    expect(chunks.some((chunk) => 'usage' in chunk)).toBe(false);
  });

  it('lists the configured models', async () => {
    const page = await openai().models.list();
    expect(page.data.map((model) => model.id)).toEqual(['fake-small', 'fake-large']);
  });

  it('answers from the responder once the queue is empty', async () => {
    server.enqueue({ text: 'queued' });
    server.respondWith((request) => ({ text: `model ${request.model} heard ${request.userText}` }));
    const ask = async () =>
      (await openai().chat.completions.create({ model: 'gpt-x', messages })).choices[0].message.content;

    expect(await ask()).toBe('queued');
    expect(await ask()).toBe('model gpt-x heard Say hello');
  });
});

describe('FakeLlmServer with the Anthropic client', () => {
  const anthropic = () => new Anthropic({ baseURL: server.anthropicBaseUrl, apiKey: 'sk-ant-test', maxRetries: 0 });
  const params = {
    model: 'claude-test',
    max_tokens: 256,
    system: 'Answer in French.',
    messages: [{ role: 'user' as const, content: 'Bonjour' }],
  };

  it('streams events in the order the real API sends them', async () => {
    server.enqueue({ text: 'Salut à toi', chunks: 3, usage: { inputTokens: 9, outputTokens: 4 } });
    const stream = await anthropic().messages.create({ ...params, stream: true });
    const events: string[] = [];
    let text = '';
    for await (const event of stream) {
      events.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
    }

    expect(text).toBe('Salut à toi');
    expect(events).toEqual([
      'message_start',
      'content_block_start',
      'content_block_delta',
      'content_block_delta',
      'content_block_delta',
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('assembles streamed text, stop reason and usage in the SDK message stream', async () => {
    server.enqueue({ text: 'Bonjour, ça va ?', chunks: 5, usage: { inputTokens: 9, outputTokens: 4 } });
    const final = await anthropic().messages.stream(params).finalMessage();

    expect(final.content).toEqual([expect.objectContaining({ type: 'text', text: 'Bonjour, ça va ?' })]);
    expect(final.stop_reason).toBe('end_turn');
    expect(final.usage).toMatchObject({ input_tokens: 9, output_tokens: 4 });
    expect(server.requests[0]).toMatchObject({ api: 'anthropic', systemText: 'Answer in French.', userText: 'Bonjour' });
    // SDK versions differ on which header carries the key.
    const { authorization, 'x-api-key': apiKey } = server.requests[0].headers;
    expect(apiKey ?? authorization).toMatch(/sk-ant-test$/);
  });

  it('streams tool use blocks whose JSON input the SDK parses', async () => {
    server.enqueue({ text: 'Checking.', toolCalls: [weatherCall] });
    const final = await anthropic().messages.stream(params).finalMessage();

    expect(final.stop_reason).toBe('tool_use');
    expect(final.content.map((block) => block.type)).toEqual(['text', 'tool_use']);
    const toolUse = final.content[1];
    expect(toolUse.type === 'tool_use' && [toolUse.name, toolUse.input]).toEqual(['get_weather', weatherCall.arguments]);
  });

  it('answers a non-stream request', async () => {
    server.enqueue({ toolCalls: [weatherCall] });
    const message = await anthropic().messages.create(params);

    expect(message.content).toEqual([expect.objectContaining({ type: 'tool_use', name: 'get_weather', input: weatherCall.arguments })]);
    expect(message.stop_reason).toBe('tool_use');
    expect(server.requests[0].sampling).toEqual({ maxOutputTokens: params.max_tokens, temperature: undefined });
  });

  it('surfaces a scripted 429 as a RateLimitError carrying retry-after', async () => {
    server.enqueue({ error: { status: 429, retryAfter: 3, message: 'slow down' } });
    const error = await anthropic()
      .messages.create(params)
      .catch((caught: unknown) => caught);

    expect(error).toBeInstanceOf(Anthropic.RateLimitError);
    const rateLimit = error as InstanceType<typeof Anthropic.RateLimitError>;
    expect(rateLimit.headers.get('retry-after')).toBe('3');
    expect(rateLimit.type).toBe('rate_limit_error');
    expect(rateLimit.apiMessage).toBe('slow down');
  });

  it('rejects a request without max_tokens like the real API', async () => {
    const response = await fetch(`${server.anthropicBaseUrl}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'claude-test', messages: [] }),
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      type: 'error',
      error: { type: 'invalid_request_error', message: 'max_tokens: Field required' },
    });
  });

  it('lists models in the Anthropic shape on the path OpenAI also uses', async () => {
    const page = await anthropic().models.list();
    expect(page.data.map((model) => model.id)).toEqual(['fake-small', 'fake-large']);
  });
});

describe('FakeLlmServer with the Ollama client', () => {
  const ollama = () => new Ollama({ host: server.ollamaHost });
  const messages = [{ role: 'user', content: 'Hi llama' }];

  it('streams NDJSON chunks that end with done and the eval counts', async () => {
    server.enqueue({ text: 'Hello from llama', chunks: 4, usage: { inputTokens: 6, outputTokens: 3 } });
    const parts = [];
    for await (const part of await ollama().chat({ model: 'llama-test', messages, stream: true })) parts.push(part);

    expect(parts).toHaveLength(5);
    expect(parts.map((part) => part.message.content).join('')).toBe('Hello from llama');
    expect(parts.slice(0, -1).every((part) => !part.done)).toBe(true);
    expect(parts.at(-1)).toMatchObject({ done: true, done_reason: 'stop', eval_count: 3, prompt_eval_count: 6 });
  });

  it('streams tool calls whole, with object arguments', async () => {
    server.enqueue({ toolCalls: [weatherCall] });
    const calls = [];
    for await (const part of await ollama().chat({ model: 'llama-test', messages, stream: true })) {
      calls.push(...(part.message.tool_calls ?? []));
    }

    expect(calls).toEqual([{ function: weatherCall }]);
  });

  it('answers a non-stream request with the echo default', async () => {
    const response = await ollama().chat({ model: 'llama-test', messages, options: { num_predict: 32, temperature: 0.7 } });

    expect(response.message).toEqual({ role: 'assistant', content: 'echo: Hi llama' });
    expect(response.done).toBe(true);
    expect(server.requests[0]).toMatchObject({ api: 'ollama', path: '/api/chat', stream: false, sampling: { maxOutputTokens: 32, temperature: 0.7 } });
  });

  it('surfaces a scripted error as a ResponseError with the status', async () => {
    server.enqueue({ error: { status: 500, message: 'model crashed' } });
    const error = await ollama()
      .chat({ model: 'llama-test', messages })
      .catch((caught: unknown) => caught);

    expect(error).toMatchObject({ name: 'ResponseError', status_code: 500, error: 'model crashed' });
  });

  it('lists the configured models', async () => {
    const list = await ollama().list();
    expect(list.models.map((model) => model.name)).toEqual(['fake-small', 'fake-large']);
  });
});

describe('FakeLlmServer bookkeeping', () => {
  it('answers unknown routes with 404 and still records them', async () => {
    const response = await fetch(`${server.url}/v2/unknown`, { method: 'POST', body: '{}' });

    expect(response.status).toBe(404);
    expect(server.requests).toMatchObject([{ api: 'unknown', path: '/v2/unknown' }]);
  });

  it('stop() cuts hung requests at once', async () => {
    const local = new FakeLlmServer();
    await local.start();
    local.enqueue({ hang: 'no-response' });
    const client = new Ollama({ host: local.ollamaHost });
    const inFlight = client.chat({ model: 'm', messages: [] }).catch((error: unknown) => error);
    await until(() => local.requests.length === 1);

    // Without the cut, stop() would wait for the hung request for ever (the test's timeout).
    await local.stop();

    expect(await inFlight).toBeInstanceOf(Error);
  });

  it('clear() forgets requests but keeps the script', async () => {
    server.enqueue({ text: 'kept' });
    await fetch(`${server.url}/api/tags`);
    server.clear();
    const response = await new Ollama({ host: server.ollamaHost }).chat({ model: 'm', messages: [] });

    expect(response.message.content).toBe('kept');
    expect(server.requests).toHaveLength(1);
  });
});
