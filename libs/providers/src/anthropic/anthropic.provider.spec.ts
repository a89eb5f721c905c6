import { FakeLlmServer, TINY_PNG_BASE64 } from '@switchboard/testing';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { LlmEvent, LlmMessage, LlmToolDefinition } from '../llm-provider';
import { collectEvents, textOf, until } from '../testing/stream-helpers';
import { AnthropicProvider } from './anthropic.provider';

const server = new FakeLlmServer({ models: ['claude-a', 'claude-b'] });
beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.reset());

const provider = () => new AnthropicProvider({ baseUrl: server.anthropicBaseUrl, apiKey: 'sk-ant-test' });
const messages: LlmMessage[] = [
  { role: 'system', content: 'Answer in French.' },
  { role: 'user', content: 'Bonjour' },
];
const weatherTool: LlmToolDefinition = {
  name: 'get_weather',
  description: 'Weather forecast for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' } } },
};

describe('AnthropicProvider', () => {
  it('streams the scripted text, with usage from message_start and message_delta', async () => {
    server.enqueue({ text: 'Salut, ça va très bien !', chunks: 5, usage: { inputTokens: 9, outputTokens: 6 } });

    const events = await collectEvents(provider().stream({ model: 'claude-test', messages }));

    expect(events.filter((event) => event.type === 'text')).toHaveLength(5);
    expect(textOf(events)).toBe('Salut, ça va très bien !');
    expect(events.slice(-2)).toEqual([
      { type: 'usage', inputTokens: 9, outputTokens: 6 },
      { type: 'done', stopReason: 'end' },
    ]);
  });

  it('sends system messages as `system` and a default max_tokens', async () => {
    await collectEvents(provider().stream({ model: 'claude-test', messages }));

    expect(server.requests[0].body).toMatchObject({
      system: 'Answer in French.',
      messages: [{ role: 'user', content: 'Bonjour' }],
      max_tokens: 4096,
      stream: true,
    });
  });

  it("sends the request's output limit as max_tokens and no temperature, which its API does not take", async () => {
    await collectEvents(provider().stream({ model: 'claude-test', messages, maxOutputTokens: 300, temperature: 0.5 }));

    expect(server.requests[0].sampling).toEqual({ maxOutputTokens: 300, temperature: undefined });
  });

  it('sends the images of a user message as base64 image blocks before its text', async () => {
    const withImage: LlmMessage[] = [{ role: 'user', content: 'Qu\'est-ce que c\'est ?', images: [{ mimeType: 'image/png', dataBase64: TINY_PNG_BASE64 }] }];

    await collectEvents(provider().stream({ model: 'claude-test', messages: withImage }));

    expect(server.requests[0].body.messages).toEqual([
      {
        role: 'user',
        content: [
          { type: 'image', source: { type: 'base64', media_type: 'image/png', data: TINY_PNG_BASE64 } },
          { type: 'text', text: "Qu'est-ce que c'est ?" },
        ],
      },
    ]);
    expect(server.requests[0].userImages).toEqual([{ mimeType: 'image/png', dataBase64: TINY_PNG_BASE64 }]);
  });

  it('turns tool_use blocks into tool calls with their streamed JSON input', async () => {
    server.enqueue({
      text: 'Je regarde.',
      toolCalls: [
        { id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris', days: 3 } },
        { id: 'toolu_2', name: 'get_weather', arguments: { city: 'Lyon' } },
      ],
    });

    const events = await collectEvents(provider().stream({ model: 'claude-test', messages, tools: [weatherTool] }));

    const calls = events.flatMap((event) => (event.type === 'tool_call' ? [event.call] : []));
    expect(calls.map((call) => [call.id, call.name, JSON.parse(call.arguments)])).toEqual([
      ['toolu_1', 'get_weather', { city: 'Paris', days: 3 }],
      ['toolu_2', 'get_weather', { city: 'Lyon' }],
    ]);
    expect(events.at(-1)).toEqual({ type: 'done', stopReason: 'tool_calls' });
    expect(server.requests[0].body.tools).toEqual([
      { name: 'get_weather', description: weatherTool.description, input_schema: weatherTool.parameters },
    ]);
  });

  it('sends tool calls back as tool_use blocks and parallel results as one user message', async () => {
    const history: LlmMessage[] = [
      ...messages,
      {
        role: 'assistant',
        content: 'Je regarde.',
        toolCalls: [
          { id: 'toolu_1', name: 'get_weather', arguments: '{"city":"Paris"}' },
          { id: 'toolu_2', name: 'get_weather', arguments: '{"city":"Lyon"}' },
        ],
      },
      { role: 'tool', toolCallId: 'toolu_1', content: 'soleil' },
      { role: 'tool', toolCallId: 'toolu_2', content: 'pluie' },
    ];

    await collectEvents(provider().stream({ model: 'claude-test', messages: history }));

    expect(server.requests[0].body.messages).toEqual([
      { role: 'user', content: 'Bonjour' },
      {
        role: 'assistant',
        content: [
          { type: 'text', text: 'Je regarde.' },
          { type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } },
          { type: 'tool_use', id: 'toolu_2', name: 'get_weather', input: { city: 'Lyon' } },
        ],
      },
      {
        role: 'user',
        content: [
          { type: 'tool_result', tool_use_id: 'toolu_1', content: 'soleil' },
          { type: 'tool_result', tool_use_id: 'toolu_2', content: 'pluie' },
        ],
      },
    ]);
  });

  it('fails with AUTH_FAILED, without a request, when no API key is configured', async () => {
    const keyless = new AnthropicProvider({ baseUrl: server.anthropicBaseUrl });

    await expect(collectEvents(keyless.stream({ model: 'claude-test', messages }))).rejects.toMatchObject({
      code: 'AUTH_FAILED',
      message: expect.stringContaining('ANTHROPIC_API_KEY'),
    });
    expect(server.requests).toHaveLength(0);
  });

  it('fails rather than ending quietly when the request is aborted mid-stream', async () => {
    server.enqueue({ text: 'abcdef', chunks: 3, hang: 'mid-stream' });
    const controller = new AbortController();
    const events: LlmEvent[] = [];

    const reading = (async () => {
      for await (const event of provider().stream({ model: 'claude-test', messages, signal: controller.signal })) {
        events.push(event);
        controller.abort();
      }
    })();

    await expect(reading).rejects.toMatchObject({ code: 'TEMPORARY' });
    expect(events).toEqual([{ type: 'text', delta: 'ab' }]);
    await until(() => server.requests[0].aborted);
  });

  it('reports the number of models in its health probe', async () => {
    await expect(provider().healthProbe()).resolves.toEqual({ baseUrl: server.anthropicBaseUrl, models: 2 });
  });

  it('maps the reasoning level to a thinking budget added to max_tokens, and off to thinking disabled', async () => {
    for (let i = 0; i < 4; i++) server.enqueue({ text: 'ok' });
    await collectEvents(provider().stream({ model: 'claude-test', messages, maxOutputTokens: 1000, reasoning: 'low' }));
    await collectEvents(provider().stream({ model: 'claude-test', messages, maxOutputTokens: 1000, reasoning: 'high' }));
    await collectEvents(provider().stream({ model: 'claude-test', messages, maxOutputTokens: 1000, reasoning: 'off' }));
    await collectEvents(provider().stream({ model: 'claude-test', messages, maxOutputTokens: 1000 }));

    expect(server.requests.map((request) => [request.body.thinking, request.body.max_tokens])).toEqual([
      [{ type: 'enabled', budget_tokens: 1024 }, 2024],
      [{ type: 'enabled', budget_tokens: 16384 }, 17384],
      [{ type: 'disabled' }, 1000],
      [undefined, 1000],
    ]);
  });

  it('streams thinking_delta as reasoning events, apart from the text', async () => {
    server.enqueue({ reasoning: 'Il dit bonjour.', text: 'Salut !' });

    const events = await collectEvents(provider().stream({ model: 'claude-test', messages, reasoning: 'low' }));

    expect(events.flatMap((event) => (event.type === 'reasoning' ? [event.delta] : [])).join('')).toBe('Il dit bonjour.');
    expect(textOf(events)).toBe('Salut !');
  });
});
