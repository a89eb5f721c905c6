import { FakeLlmServer, TINY_PNG_BASE64 } from '@switchboard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LlmMessage, LlmToolDefinition } from '../llm-provider';
import { collectEvents, textOf, until } from '../testing/stream-helpers';
import { OllamaProvider } from './ollama.provider';

const server = new FakeLlmServer({ models: ['llama-a', 'llama-b', 'llama-c'] });
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.reset());

const provider = () => new OllamaProvider({ host: server.ollamaHost });
const messages: LlmMessage[] = [
  { role: 'system', content: 'You are a llama.' },
  { role: 'user', content: 'Hi llama' },
];
const weatherTool: LlmToolDefinition = {
  name: 'get_weather',
  description: 'Weather forecast for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
};

describe('OllamaProvider', () => {
  it('streams the scripted text, with usage from the eval counts', async () => {
    server.enqueue({ text: 'Hello from the llama', chunks: 4, usage: { inputTokens: 6, outputTokens: 3 } });

    const events = await collectEvents(
      provider().stream({ model: 'llama-test', messages, maxOutputTokens: 50, temperature: 0.2 }),
    );

    expect(events.filter((event) => event.type === 'text')).toHaveLength(4);
    expect(textOf(events)).toBe('Hello from the llama');
    expect(events.slice(-2)).toEqual([
      { type: 'usage', inputTokens: 6, outputTokens: 3 },
      { type: 'done', stopReason: 'end' },
    ]);
    expect(server.requests[0]).toMatchObject({ path: '/api/chat', stream: true, systemText: 'You are a llama.' });
    expect(server.requests[0].body.options).toEqual({ num_predict: 50, temperature: 0.2 });
  });

  it('passes whole tool calls on with their arguments as JSON text', async () => {
    server.enqueue({ toolCalls: [{ name: 'get_weather', arguments: { city: 'Paris', days: 3 } }] });

    const events = await collectEvents(provider().stream({ model: 'llama-test', messages, tools: [weatherTool] }));

    const calls = events.flatMap((event) => (event.type === 'tool_call' ? [event.call] : []));
    expect(calls).toHaveLength(1);
    expect(calls[0]).toMatchObject({ id: expect.stringMatching(/^call_/), name: 'get_weather' });
    expect(JSON.parse(calls[0].arguments)).toEqual({ city: 'Paris', days: 3 });
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'tool_calls' });
    expect(server.requests[0].body.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: weatherTool.description, parameters: weatherTool.parameters } },
    ]);
  });

  it('sends earlier tool calls with object arguments and names the tool of each result', async () => {
    const history: LlmMessage[] = [
      ...messages,
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', toolCallId: 'call_1', content: 'sunny' },
    ];

    await collectEvents(provider().stream({ model: 'llama-test', messages: history }));

    expect((server.requests[0].body.messages as unknown[]).slice(2)).toEqual([
      { role: 'assistant', content: '', tool_calls: [{ function: { name: 'get_weather', arguments: { city: 'Paris' } } }] },
      { role: 'tool', content: 'sunny', tool_name: 'get_weather' },
    ]);
  });

  it('sends a note in place of each image, since the model may read text only', async () => {
    const withImage: LlmMessage[] = [{ role: 'user', content: 'What is this?', images: [{ mimeType: 'image/png', dataBase64: TINY_PNG_BASE64, fileName: 'tiny.png' }] }];

    await collectEvents(provider().stream({ model: 'llama-a', messages: withImage }));

    expect(server.requests[0].userText).toBe('What is this?\n[image tiny.png not shown: this model reads text only]');
    expect(JSON.stringify(server.requests[0].body)).not.toContain(TINY_PNG_BASE64);
  });

  it('can be aborted while waiting for the first byte', async () => {
    server.enqueue({ hang: 'no-response' });
    const controller = new AbortController();
    const reading = collectEvents(provider().stream({ model: 'llama-test', messages, signal: controller.signal }));
    await until(() => server.requests.length === 1);

    controller.abort();

    await expect(reading).rejects.toMatchObject({ code: 'TEMPORARY' });
    await until(() => server.requests[0].aborted);
  });

  it('reports the number of models in its health probe', async () => {
    await expect(provider().healthProbe()).resolves.toEqual({ host: server.ollamaHost, models: 3 });
  });

  it('maps the reasoning level to think (off is false) and leaves it out without one', async () => {
    for (let i = 0; i < 3; i++) server.enqueue({ text: 'ok' });
    await collectEvents(provider().stream({ model: 'llama-test', messages, reasoning: 'medium' }));
    await collectEvents(provider().stream({ model: 'llama-test', messages, reasoning: 'off' }));
    await collectEvents(provider().stream({ model: 'llama-test', messages }));

    expect(server.requests.map((request) => request.body.think)).toEqual(['medium', false, undefined]);
  });

  it('streams message.thinking as reasoning events, apart from the text', async () => {
    server.enqueue({ reasoning: 'A greeting.', text: 'Hello' });

    const events = await collectEvents(provider().stream({ model: 'llama-test', messages, reasoning: 'low' }));

    expect(events.flatMap((event) => (event.type === 'reasoning' ? [event.delta] : [])).join('')).toBe('A greeting.');
    expect(textOf(events)).toBe('Hello');
  });
});
