import { describe, expect, it } from 'vitest';
import { OpenAiError } from '../errors/openai-error';
import { messageText, parseChatCompletionRequest, requestedMaxTokens } from './chat-completion.request';

function refusal(body: unknown): OpenAiError {
  try {
    parseChatCompletionRequest(body);
  } catch (error) {
    return error as OpenAiError;
  }
  throw new Error('the request was accepted');
}

describe('parseChatCompletionRequest', () => {
  it('accepts what OpenAI clients send, ignoring fields it does not use', () => {
    const request = parseChatCompletionRequest({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hello' }], name: 'ada' },
        { role: 'assistant', content: null, tool_calls: [] },
        { role: 'tool', content: '42', tool_call_id: 'call_1' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      user: 'ada',
      max_tokens: 100,
      max_completion_tokens: null,
      temperature: 0.2,
      top_p: 1,
      seed: 7,
    });

    expect(request).toEqual({
      model: 'gpt-4o-mini',
      messages: [
        { role: 'system', content: 'Be brief.' },
        { role: 'user', content: [{ type: 'text', text: 'Hello' }] },
        { role: 'assistant', content: null },
        { role: 'tool', content: '42' },
      ],
      stream: true,
      stream_options: { include_usage: true },
      user: 'ada',
      max_tokens: 100,
      max_completion_tokens: null,
      temperature: 0.2,
    });
  });

  it.each([
    [{}, 'messages', "Invalid value for 'messages': Invalid input: expected array, received undefined"],
    [{ messages: [] }, 'messages', "Invalid value for 'messages': expected at least one message"],
    [{ messages: [{ role: 'robot', content: 'hi' }] }, 'messages[0].role', "Invalid value for 'messages[0].role': expected one of system, developer, user, assistant, tool"],
    [{ messages: [{ role: 'user' }] }, 'messages[0].content', expect.stringContaining('expected a string or an array')],
    [{ messages: [{ role: 'user', content: [{ type: 'image_url', image_url: { url: 'x' } }] }] }, 'messages[0].content', expect.stringContaining('"type": "text"')],
    [{ messages: [{ role: 'user', content: 'hi' }], stream: 'yes' }, 'stream', expect.stringContaining('expected boolean')],
    [{ messages: [{ role: 'user', content: 'hi' }], temperature: 3 }, 'temperature', "Invalid value for 'temperature': expected a number from 0 to 2"],
    [{ messages: [{ role: 'user', content: 'hi' }], max_tokens: 0 }, 'max_tokens', "Invalid value for 'max_tokens': expected a positive number"],
    [{ messages: [{ role: 'user', content: 'hi' }], user: 'u'.repeat(257) }, 'user', "Invalid value for 'user': expected at most 256 characters"],
  ])('refuses %j with a 400 naming %s', (body, param, message) => {
    const error = refusal(body);
    expect(error).toBeInstanceOf(OpenAiError);
    expect(error.status).toBe(400);
    expect(error.body).toEqual({ error: { message, type: 'invalid_request_error', param, code: null } });
  });

  it.each(['tools', 'functions'])('refuses %s, which it cannot honour, with a 400 naming the parameter', (param) => {
    const tool = { type: 'function', function: { name: 'get_weather', parameters: { type: 'object' } } };
    const error = refusal({ messages: [{ role: 'user', content: 'hi' }], [param]: [tool] });
    expect(error.status).toBe(400);
    expect(error.body.error).toMatchObject({ type: 'invalid_request_error', param, code: 'unsupported_parameter', message: expect.stringContaining(`'${param}'`) });
  });

  it('accepts an empty tools list, which asks for nothing', () => {
    expect(parseChatCompletionRequest({ messages: [{ role: 'user', content: 'hi' }], tools: [] }).tools).toEqual([]);
  });

  it('reads the output limit from max_completion_tokens, else max_tokens', () => {
    const read = (fields: object) => requestedMaxTokens(parseChatCompletionRequest({ messages: [{ role: 'user', content: 'hi' }], ...fields }));
    expect(read({ max_tokens: 100, max_completion_tokens: 50 })).toBe(50);
    expect(read({ max_tokens: 100, max_completion_tokens: null })).toBe(100);
    expect(read({})).toBeUndefined();
  });

  it('refuses a body that is not a JSON object, naming no parameter', () => {
    expect(refusal(null).body.error).toMatchObject({ param: null, message: expect.stringMatching(/^Invalid request body: /) });
  });
});

describe('messageText', () => {
  it('joins text parts one per line and reads no content as empty', () => {
    expect(messageText({ role: 'user', content: 'plain' })).toBe('plain');
    expect(messageText({ role: 'user', content: [{ type: 'text', text: 'a' }, { type: 'text', text: 'b' }] })).toBe('a\nb');
    expect(messageText({ role: 'assistant', content: null })).toBe('');
  });
});
