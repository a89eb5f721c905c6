import { FakeLlmServer, TINY_PNG_BASE64 } from '@switchboard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LlmEvent, LlmMessage, LlmToolDefinition } from '../llm-provider';
import { collectEvents, textOf, until } from '../testing/stream-helpers';
import { OpenAiCompatibleProvider } from './openai-compatible.provider';

const server = new FakeLlmServer();
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.reset());

const provider = () => new OpenAiCompatibleProvider({ baseUrl: server.openaiBaseUrl, apiKey: 'sk-test' });
const messages: LlmMessage[] = [
  { role: 'system', content: 'Be brief.' },
  { role: 'user', content: 'What is the weather?' },
];
const weatherTool: LlmToolDefinition = {
  name: 'get_weather',
  description: 'Weather forecast for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] },
};

describe('OpenAiCompatibleProvider', () => {
  it('streams the scripted text in several deltas, then usage and the stop reason', async () => {
    server.enqueue({ text: 'Sunny all week, 24 °C.', chunks: 4, usage: { inputTokens: 12, outputTokens: 7 } });

    const events = await collectEvents(provider().stream({ model: 'gpt-test', messages, maxOutputTokens: 100, temperature: 0.4 }));

    expect(events.filter((event) => event.type === 'text')).toHaveLength(4);
    expect(textOf(events)).toBe('Sunny all week, 24 °C.');
    expect(events.slice(-2)).toEqual([
      { type: 'usage', inputTokens: 12, outputTokens: 7 },
      { type: 'done', stopReason: 'end' },
    ]);
    expect(server.requests[0]).toMatchObject({ model: 'gpt-test', stream: true, systemText: 'Be brief.', sampling: { maxOutputTokens: 100, temperature: 0.4 } });
    expect(server.requests[0].body).toMatchObject({ max_tokens: 100, stream_options: { include_usage: true } });
    expect(server.requests[0].headers.authorization).toBe('Bearer sk-test');
  });

  it('assembles streamed argument fragments into whole tool calls', async () => {
    server.enqueue({
      text: 'Let me look.',
      toolCalls: [
        { id: 'call_paris', name: 'get_weather', arguments: { city: 'Paris', days: 3 } },
        { name: 'get_weather', arguments: { city: 'Oslo' } },
      ],
    });

    const events = await collectEvents(provider().stream({ model: 'gpt-test', messages, tools: [weatherTool] }));

    const calls = events.flatMap((event) => (event.type === 'tool_call' ? [event.call] : []));
    expect(calls.map((call) => [call.name, JSON.parse(call.arguments)])).toEqual([
      ['get_weather', { city: 'Paris', days: 3 }],
      ['get_weather', { city: 'Oslo' }],
    ]);
    expect(calls[0].id).toBe('call_paris');
    expect(calls[1].id).toMatch(/^call_/);
    expect(textOf(events)).toBe('Let me look.');
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'tool_calls' });
    expect(server.requests[0].body.tools).toEqual([
      { type: 'function', function: { name: 'get_weather', description: weatherTool.description, parameters: weatherTool.parameters } },
    ]);
  });

  it('sends earlier tool calls and their results in the OpenAI shape', async () => {
    const history: LlmMessage[] = [
      ...messages,
      { role: 'assistant', content: '', toolCalls: [{ id: 'call_1', name: 'get_weather', arguments: '{"city":"Paris"}' }] },
      { role: 'tool', toolCallId: 'call_1', content: 'sunny' },
    ];

    await collectEvents(provider().stream({ model: 'gpt-test', messages: history }));

    expect(server.requests[0].body.messages).toEqual([
      { role: 'system', content: 'Be brief.' },
      { role: 'user', content: 'What is the weather?' },
      {
        role: 'assistant',
        content: '',
        tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }],
      },
      { role: 'tool', tool_call_id: 'call_1', content: 'sunny' },
    ]);
  });

  it('sends the images of a user message as data-URL parts after its text', async () => {
    const withImage: LlmMessage[] = [{ role: 'user', content: 'What is this?', images: [{ mimeType: 'image/png', dataBase64: TINY_PNG_BASE64, fileName: 'tiny.png' }] }];

    await collectEvents(provider().stream({ model: 'gpt-test', messages: withImage }));

    expect(server.requests[0].body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'What is this?' },
          { type: 'image_url', image_url: { url: `data:image/png;base64,${TINY_PNG_BASE64}` } },
        ],
      },
    ]);
    expect(server.requests[0].userImages).toEqual([{ mimeType: 'image/png', dataBase64: TINY_PNG_BASE64 }]);
  });

  it('fails rather than ending quietly when the request is aborted mid-stream', async () => {
    server.enqueue({ text: 'abcdef', chunks: 3, hang: 'mid-stream' });
    const controller = new AbortController();
    const events: LlmEvent[] = [];

    const reading = (async () => {
      for await (const event of provider().stream({ model: 'gpt-test', messages, signal: controller.signal })) {
        events.push(event);
        controller.abort();
      }
    })();

    await expect(reading).rejects.toMatchObject({ code: 'TEMPORARY' });
    expect(events).toEqual([{ type: 'text', delta: 'ab' }]);
    await until(() => server.requests[0].aborted);
  });

  it('reports the number of models in its health probe', async () => {
    await expect(provider().healthProbe()).resolves.toEqual({ baseUrl: server.openaiBaseUrl, models: 1 });
  });

  it('asks for the reasoning effort of the request (off is "none") and leaves the field out without one', async () => {
    for (let i = 0; i < 3; i++) server.enqueue({ text: 'ok' });
    await collectEvents(provider().stream({ model: 'gpt-test', messages, reasoning: 'high' }));
    await collectEvents(provider().stream({ model: 'gpt-test', messages, reasoning: 'off' }));
    await collectEvents(provider().stream({ model: 'gpt-test', messages }));

    expect(server.requests.map((request) => request.body.reasoning_effort)).toEqual(['high', 'none', undefined]);
    expect('reasoning_effort' in server.requests[2].body).toBe(false);
  });

  it('streams reasoning_content deltas as reasoning events, apart from the text', async () => {
    server.enqueue({ reasoning: 'The user asks about weather.', text: 'Sunny.' });

    const events = await collectEvents(provider().stream({ model: 'gpt-test', messages }));

    expect(events.flatMap((event) => (event.type === 'reasoning' ? [event.delta] : [])).join('')).toBe('The user asks about weather.');
    expect(textOf(events)).toBe('Sunny.');
  });
});
