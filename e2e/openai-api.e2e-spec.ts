import fs from 'node:fs';
import OpenAI, { APIError, AuthenticationError, NotFoundError, BadRequestError, PermissionDeniedError, RateLimitError } from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeLlmServer } from '@switchboard/testing';
import { CLI, GatewayProcess, ProcessResult, run, tempDir } from './support/gateway-process';

const llm = new FakeLlmServer();
const dataDir = tempDir('openai-api');
const cli = (...args: string[]): Promise<ProcessResult> => run([CLI, ...args], { SWITCHBOARD_DATA_DIR: dataDir });

/** Creates a key with the CLI and returns it (the only line on stdout). */
async function createKey(...args: string[]): Promise<string> {
  const created = await cli('apikeys', 'create', ...args);
  expect(created.code, created.stderr).toBe(0);
  expect(created.stderr).toContain('it is not shown again');
  return created.stdout.trim();
}

let gateway: GatewayProcess;
let key: string;
let client: OpenAI;
const clientWith = (apiKey: string) => new OpenAI({ baseURL: `${gateway.url}/v1`, apiKey, maxRetries: 0 });

/** What the fake model received in its latest chat request. */
const lastModelRequest = () => llm.requests.filter((r) => r.path === '/v1/chat/completions').at(-1)!;
const modelMessages = () => (lastModelRequest().body as { messages: { role: string; content: string }[] }).messages;

beforeAll(async () => {
  await llm.start();
  // No gateway yet: the CLI opens the embedded database itself.
  key = await createKey('--name', 'test');
  gateway = await GatewayProcess.start({
    SWITCHBOARD_DATA_DIR: dataDir,
    LLM_PROVIDER: 'openai-compatible',
    LLM_MODEL: 'fake-model',
    OPENAI_BASE_URL: llm.openaiBaseUrl,
    OPENAI_API_KEY: 'sk-upstream-secret',
    LLM_MAX_RETRIES: '0',
    LLM_TIMEOUT_MS: '3000',
  });
  client = clientWith(key);
});
afterAll(async () => {
  await gateway?.stop('SIGKILL');
  await llm.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});
beforeEach(() => llm.reset());

describe('OpenAI-compatible API with the official client', () => {
  it('answers a completion with the model text and its usage', async () => {
    llm.enqueue({ text: 'Paris is the capital of France.', usage: { inputTokens: 21, outputTokens: 7 } });

    const completion = await client.chat.completions.create({
      model: 'fake-model',
      messages: [{ role: 'user', content: 'What is the capital of France?' }],
    });

    expect(completion).toMatchObject({
      id: expect.stringMatching(/^chatcmpl-/),
      object: 'chat.completion',
      model: 'openai-compatible:fake-model',
      choices: [{ index: 0, message: { role: 'assistant', content: 'Paris is the capital of France.' }, finish_reason: 'stop' }],
      usage: { prompt_tokens: 21, completion_tokens: 7, total_tokens: 28 },
    });
    expect(lastModelRequest().userText).toBe('What is the capital of France?');
  });

  it('streams the same text as server-sent events that end, with the usage last', async () => {
    const text = 'Streaming works one piece at a time, like OpenAI.';
    llm.enqueue({ text, chunks: 5, chunkDelayMs: 50, usage: { inputTokens: 9, outputTokens: 11 } });

    const { data: stream, response } = await client.chat.completions
      .create({ model: 'fake-model', messages: [{ role: 'user', content: 'Stream please' }], stream: true, stream_options: { include_usage: true } })
      .withResponse();
    const chunks: OpenAI.Chat.Completions.ChatCompletionChunk[] = [];
    for await (const chunk of stream) chunks.push(chunk);

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/event-stream');
    expect(response.headers.get('cache-control')).toBe('no-cache');
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe(text);
    expect(chunks.filter((c) => c.choices[0]?.delta.content).length).toBeGreaterThan(2);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '' });
    expect(chunks.at(-2)!.choices).toEqual([{ index: 0, delta: {}, logprobs: null, finish_reason: 'stop' }]);
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 9, completion_tokens: 11, total_tokens: 20 } });
  });

  it('keeps a conversation per `user`: the model sees the earlier exchange, other users and keys do not', async () => {
    llm.enqueue({ text: 'Nice to meet you, Ada.' }, { text: 'Your name is Ada.' }, { text: 'I do not know.' }, { text: 'Who?' });

    await client.chat.completions.create({ model: 'fake-model', user: 'ada', messages: [{ role: 'user', content: 'My name is Ada.' }] });
    const second = await client.chat.completions.create({
      model: 'fake-model',
      user: 'ada',
      messages: [{ role: 'user', content: 'What is my name?' }],
    });

    expect(second.choices[0].message.content).toBe('Your name is Ada.');
    expect(modelMessages().map((m) => [m.role, m.content])).toEqual([
      ['system', expect.any(String)],
      ['user', 'My name is Ada.'],
      ['assistant', 'Nice to meet you, Ada.'],
      ['user', 'What is my name?'],
    ]);

    await client.chat.completions.create({ model: 'fake-model', user: 'bob', messages: [{ role: 'user', content: 'What is my name?' }] });
    expect(modelMessages().map((m) => m.role)).toEqual(['system', 'user']);

    const otherKey = clientWith(await createKey('--name', 'other-app'));
    await otherKey.chat.completions.create({ model: 'fake-model', user: 'ada', messages: [{ role: 'user', content: 'What is my name?' }] });
    expect(modelMessages().map((m) => m.role)).toEqual(['system', 'user']);
  });

  it('continues the session named by X-Session-Key', async () => {
    llm.enqueue({ text: 'Noted: blue.' }, { text: 'Blue.' });
    const headers = { 'X-Session-Key': 'support-ticket-42' };

    await client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'I like blue.' }] }, { headers });
    await client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'Which colour?' }] }, { headers });

    expect(modelMessages().map((m) => m.content).slice(1)).toEqual(['I like blue.', 'Noted: blue.', 'Which colour?']);
  });

  it('answers a request without `user` or X-Session-Key from its own messages, in a session of its own', async () => {
    llm.enqueue({ text: 'Where to?' }, { text: 'Rome it is.' });
    await client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'Plan my trip' }] });
    await client.chat.completions.create({
      model: 'fake-model',
      messages: [
        { role: 'user', content: 'Plan my trip' },
        { role: 'assistant', content: 'Where to?' },
        { role: 'user', content: 'Rome' },
      ],
    });

    // The history is the request's, not a stored one: the first request's turn is not repeated.
    expect(modelMessages().map((m) => [m.role, m.content]).slice(1)).toEqual([
      ['user', 'Plan my trip'],
      ['assistant', 'Where to?'],
      ['user', 'Rome'],
    ]);
  });

  it('answers unrelated requests without a session hint side by side, not one turn at a time', async () => {
    const clients = 5;
    // Each answer waits until every request reached the model: requests serialized on one
    // session would never get there.
    let release!: () => void;
    const allArrived = new Promise<void>((resolve) => (release = resolve));
    llm.respondWith(async () => {
      if (llm.requests.length === clients) release();
      await allArrived;
      return { text: 'an answer' };
    });

    // The same first message, as many clients of one kind send.
    const ask = () => client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'What time is it?' }] });
    const answers = await Promise.all(Array.from({ length: clients }, ask));

    expect(answers.map((answer) => answer.choices[0].message.content)).toEqual(Array(clients).fill('an answer'));
  });

  it("takes OpenClaw's model names for the agent, and lists them", async () => {
    for (const model of ['openclaw', 'openclaw:main', 'agent:main']) {
      const completion = await client.chat.completions.create({ model, messages: [{ role: 'user', content: `via ${model}` }] });
      expect(completion.model).toBe('openai-compatible:fake-model');
    }
    expect(llm.requests.map((request) => request.model)).toEqual(['fake-model', 'fake-model', 'fake-model']);

    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toEqual(['openai-compatible:fake-model', 'openclaw', 'openclaw:main']);
  });

  it('passes temperature and max_tokens to the model, and refuses tools with a 400 naming them', async () => {
    await client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }], temperature: 0.25, max_tokens: 64 });
    expect(lastModelRequest().sampling).toEqual({ maxOutputTokens: 64, temperature: 0.25 });

    const tools = [{ type: 'function' as const, function: { name: 'get_weather', parameters: { type: 'object' } } }];
    const refused = await client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }], tools }).catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(BadRequestError);
    expect(refused).toMatchObject({ param: 'tools', code: 'unsupported_parameter' });
    expect(llm.requests).toHaveLength(1);
  });

  it("refuses a wrong key with 401 in OpenAI's error format", async () => {
    const wrong = clientWith(`sb-${'A'.repeat(43)}`);
    const error = await wrong.models.list().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(AuthenticationError);
    expect(error).toMatchObject({ status: 401, code: 'invalid_api_key', type: 'invalid_request_error', param: null });

    const raw = await fetch(`${gateway.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(raw.status).toBe(401);
    expect(await raw.json()).toEqual({
      error: { message: expect.stringContaining('API key'), type: 'invalid_request_error', param: null, code: 'invalid_api_key' },
    });
    expect(llm.requests).toHaveLength(0);
  });

  it('refuses a key revoked with the CLI while the gateway runs', async () => {
    const doomed = await createKey('--name', 'doomed');
    llm.enqueue({ text: 'still here' });
    await clientWith(doomed).chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'hi' }] });

    const revoked = await cli('apikeys', 'revoke', 'doomed');
    expect(revoked.stdout).toMatch(/^revoked API key "doomed" \(sb-\S{7}…\)\n$/);

    const error = await clientWith(doomed)
      .chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'hi again' }] })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthenticationError);
    const list = (await cli('apikeys', 'list')).stdout;
    expect(list).toMatch(/^doomed\tsb-\S{7}…\tall scopes, no rate limit\tcreated \S+\tlast used \S+Z\trevoked \S+Z$/m);
    expect(list).not.toContain(doomed);
  });

  it("refuses requests past the key's rate limit with 429 and retry-after", async () => {
    const limited = clientWith(await createKey('--name', 'limited', '--rate-limit', '2'));
    const ask = () => limited.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'ping' }] });
    await ask();
    await ask();

    const error = await ask().catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RateLimitError);
    expect(error).toMatchObject({ status: 429, code: 'rate_limit_exceeded' });
    expect(Number((error as RateLimitError).headers.get('retry-after'))).toBeGreaterThan(0);
    expect(llm.requests).toHaveLength(2);
    // Other keys are not affected.
    await client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'ping' }] });
  });

  it('names the invalid parameter in a 400, and refuses a model that is not configured with 404', async () => {
    const invalid = await client.chat.completions
      .create({ model: 'fake-model', messages: [{ role: 'wizard', content: 'x' }] } as never)
      .catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(BadRequestError);
    expect(invalid).toMatchObject({ status: 400, param: 'messages[0].role', type: 'invalid_request_error' });

    const unknown = await client.chat.completions.create({ model: 'gpt-5', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(NotFoundError);
    expect(unknown).toMatchObject({ code: 'model_not_found', param: 'model' });
    expect(llm.requests).toHaveLength(0);
  });

  it("passes the model's 429 on as a 429 with its retry-after, without the upstream detail", async () => {
    llm.enqueue({ error: { status: 429, retryAfter: 7, message: 'upstream quota for org-secret' } });

    const error = await client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as RateLimitError).headers.get('retry-after')).toBe('7');
    expect((error as RateLimitError).message).not.toContain('org-secret');
  });

  it('ends the stream with an error event when the model stalls mid-answer', async () => {
    llm.enqueue({ text: 'This answer will never be finished by the model.', chunks: 6, hang: 'mid-stream' });

    const stream = await client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'x' }], stream: true });
    const deltas: string[] = [];
    const failure = await (async () => {
      for await (const chunk of stream) deltas.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);

    expect(failure).toBeInstanceOf(APIError);
    expect((failure as APIError).error).toMatchObject({ type: 'server_error' });
    expect(deltas.join('')).not.toBe('');
  });

  it('stops the model when the client disconnects mid-stream', async () => {
    llm.enqueue({ text: 'one two three four five six seven eight nine ten', chunks: 10, chunkDelayMs: 200 });

    const stream = await client.chat.completions.create({ model: 'fake-model', messages: [{ role: 'user', content: 'count' }], stream: true });
    for await (const chunk of stream) {
      if (chunk.choices[0]?.delta.content) break; // leaving the loop aborts the request
    }

    await expect.poll(() => lastModelRequest().aborted, { timeout: 5_000 }).toBe(true);
  });
});

describe('OpenAI-compatible API without a model configured', () => {
  it('answers 503 with the reason, and tells the client not to retry', async () => {
    const dir = tempDir('openai-api-no-model');
    const created = await run([CLI, 'apikeys', 'create', '--name', 'k'], { SWITCHBOARD_DATA_DIR: dir });
    const unconfigured = await GatewayProcess.start({ SWITCHBOARD_DATA_DIR: dir });
    try {
      const noModel = new OpenAI({ baseURL: `${unconfigured.url}/v1`, apiKey: created.stdout.trim() });
      const error = await noModel.chat.completions.create({ model: 'any', messages: [{ role: 'user', content: 'x' }] }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(APIError);
      expect(error).toMatchObject({ status: 503, code: 'model_not_configured', message: expect.stringContaining('No model is configured') });
      // OpenAI's clients retry a 503 unless told not to.
      expect((error as APIError).headers?.get('x-should-retry')).toBe('false');
      expect(await noModel.models.list().then((page) => page.data)).toEqual([]);
    } finally {
      await unconfigured.stop('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('OpenAI-compatible API under the control-plane IP rules', () => {
  it("refuses an address CONTROL_IP_DENY lists with 403 in OpenAI's error format, before looking at the key", async () => {
    const dir = tempDir('openai-api-ip-deny');
    const created = await run([CLI, 'apikeys', 'create', '--name', 'k'], { SWITCHBOARD_DATA_DIR: dir });
    const denying = await GatewayProcess.start({ SWITCHBOARD_DATA_DIR: dir, LLM_PROVIDER: 'echo', CONTROL_IP_DENY: '127.0.0.0/8,::1' });
    try {
      const raw = await fetch(`${denying.url}/v1/models`, { headers: { authorization: `Bearer ${created.stdout.trim()}` } });
      expect(raw.status).toBe(403);
      expect(await raw.json()).toEqual({
        error: { message: 'Your address may not use this endpoint.', type: 'invalid_request_error', param: null, code: 'ip_not_allowed' },
      });

      // A wrong key gets the same answer: the address is refused before the key is read.
      for (const apiKey of [created.stdout.trim(), 'sb-not-a-key']) {
        const refused = new OpenAI({ baseURL: `${denying.url}/v1`, apiKey, maxRetries: 0 });
        const completion = await refused.chat.completions.create({ model: 'echo', messages: [{ role: 'user', content: 'hi' }] }).catch((e: unknown) => e);
        expect(completion).toBeInstanceOf(PermissionDeniedError);
        expect(completion).toMatchObject({ status: 403, code: 'ip_not_allowed' });
        expect(await refused.models.list().catch((e: unknown) => e)).toBeInstanceOf(PermissionDeniedError);
      }
    } finally {
      await denying.stop('SIGKILL');
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
