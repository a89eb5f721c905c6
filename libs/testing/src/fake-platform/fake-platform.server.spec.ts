import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { FakePlatformServer, type FakePlatformCall, type FakePlatformReply } from './fake-platform.server';

// Shaped like the fakes later issues write: default routes in the constructor, a platform-style 404.
class FakeBotApi extends FakePlatformServer {
  constructor() {
    super();
    this.route('POST', '/bot:token/:apiMethod', (call) => ({
      body: { ok: true, result: { method: call.params.apiMethod, echo: call.body } },
    }));
  }

  protected override unmatched(_call: FakePlatformCall): FakePlatformReply {
    return { status: 404, body: { ok: false, error_code: 404, description: 'Not Found' } };
  }
}

const server = new FakeBotApi();

beforeAll(() => server.start());
afterAll(() => server.stop());
afterEach(() => server.clear());

function postJson(path: string, body: unknown): Promise<Response> {
  return fetch(`${server.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

describe('FakePlatformServer', () => {
  it('routes by pattern, captures path params and records the parsed JSON body', async () => {
    const response = await postJson('/bot123:ABC/sendMessage', { chat_id: 42, text: 'hi' });

    expect(await response.json()).toEqual({
      ok: true,
      result: { method: 'sendMessage', echo: { chat_id: 42, text: 'hi' } },
    });
    expect(server.calls()).toMatchObject([
      {
        method: 'POST',
        path: '/bot123:ABC/sendMessage',
        route: '/bot:token/:apiMethod',
        params: { token: '123:ABC', apiMethod: 'sendMessage' },
        body: { chat_id: 42, text: 'hi' },
      },
    ]);
    expect(server.calls()[0].receivedAt).toBeInstanceOf(Date);
  });

  it('parses form bodies and query strings, and treats dots in patterns literally', async () => {
    server.route('POST', '/api/chat.postMessage', (call) => ({ body: { ok: true, channel: call.body.channel } }));
    const form = new URLSearchParams({ channel: 'C1', text: 'hello' });
    const response = await fetch(`${server.url}/api/chat.postMessage?team=T1`, { method: 'POST', body: form });
    const lookalike = await fetch(`${server.url}/api/chatXpostMessage`, { method: 'POST', body: form });

    expect(await response.json()).toEqual({ ok: true, channel: 'C1' });
    expect(server.calls({ path: '/api/chat.postMessage' })).toMatchObject([
      { body: { channel: 'C1', text: 'hello' }, query: { team: 'T1' } },
    ]);
    expect(lookalike.status).toBe(404);
    expect(await lookalike.json()).toEqual({ ok: false, error_code: 404, description: 'Not Found' });
  });

  it('parses multipart uploads into fields and files', async () => {
    const form = new FormData();
    form.append('chat_id', '7');
    form.append('document', new Blob(['file body'], { type: 'text/plain' }), 'notes.txt');
    await fetch(`${server.url}/botT/sendDocument`, { method: 'POST', body: form });

    const [call] = server.calls();
    expect(call.body.chat_id).toBe('7');
    expect(call.body.document).toMatchObject({ filename: 'notes.txt', contentType: 'text/plain' });
    expect((call.body.document as { data: Buffer }).data.toString()).toBe('file body');
  });

  it('reads a part with a content type but no file name as a file (axios sends Buffers so)', async () => {
    const boundary = 'xyz';
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="kind"\r\n\r\nmessage\r\n`),
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="image"\r\nContent-Type: application/octet-stream\r\n\r\n`),
      Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    await fetch(`${server.url}/botT/upload`, { method: 'POST', body, headers: { 'content-type': `multipart/form-data; boundary=${boundary}` } });

    const [call] = server.calls();
    expect(call.body.kind).toBe('message');
    expect((call.body.image as { data: Buffer }).data).toEqual(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0xff]));
  });

  it('lets a test override a default route, the latest registration winning', async () => {
    server.route('POST', '/bot:token/getMe', () => ({ body: { ok: true, result: { username: 'fake_bot' } } }));
    const response = await postJson('/botT/getMe', {});

    expect(await response.json()).toEqual({ ok: true, result: { username: 'fake_bot' } });
  });

  it('answers the next N calls with an injected failure, then the route again', async () => {
    const tooMany = { status: 429, headers: { 'retry-after': '3' }, body: { ok: false, parameters: { retry_after: 3 } } };
    server.failNext('POST', '/bot:token/sendMessage', tooMany, 2);
    const statuses = [];
    for (let i = 0; i < 3; i++) statuses.push((await postJson('/botT/sendMessage', { i })).status);
    const other = await postJson('/botT/sendPhoto', {});

    expect(statuses).toEqual([429, 429, 200]);
    expect(other.status).toBe(200);
    expect(server.calls({ path: /sendMessage$/ })).toHaveLength(3);
  });

  it('sends the injected retry headers and body', async () => {
    server.failNext('POST', '/bot:token/sendMessage', { status: 429, headers: { 'retry-after': '5' }, body: { ok: false } });
    const response = await postJson('/botT/sendMessage', {});

    expect(response.headers.get('retry-after')).toBe('5');
    expect(await response.json()).toEqual({ ok: false });
  });

  it('filters calls by method, path, route or predicate', async () => {
    await postJson('/botT/sendMessage', { text: 'a' });
    await postJson('/botT/editMessageText', { text: 'b' });
    await fetch(`${server.url}/botT/getUpdates`);

    expect(server.calls({ method: 'get' }).map((call) => call.path)).toEqual(['/botT/getUpdates']);
    expect(server.calls({ route: '/bot:token/:apiMethod' })).toHaveLength(2);
    expect(server.calls((call) => call.body.text === 'b').map((call) => call.path)).toEqual(['/botT/editMessageText']);
  });

  it('waitForCall resolves when a matching call arrives later', async () => {
    const waiting = server.waitForCall({ path: '/botT/sendMessage' }, 1_000);
    setTimeout(() => void postJson('/botT/sendMessage', { text: 'late' }), 50);

    expect((await waiting).body).toEqual({ text: 'late' });
  });

  it('waitForCall resolves at once with a matching call already received', async () => {
    await postJson('/botT/sendMessage', { text: 'early' });

    expect((await server.waitForCall((call) => call.body.text === 'early', 10)).path).toBe('/botT/sendMessage');
  });

  it('waitForCall rejects on timeout naming the filter and the calls received', async () => {
    await postJson('/botT/getMe', {});

    await expect(server.waitForCall({ path: '/botT/sendMessage' }, 50)).rejects.toThrow(
      'No call matching path=/botT/sendMessage within 50ms; calls received: POST /botT/getMe',
    );
  });

  it('answers 500 with the reason when a handler throws', async () => {
    server.route('GET', '/broken', () => {
      throw new Error('handler bug');
    });
    const response = await fetch(`${server.url}/broken`);

    expect(response.status).toBe(500);
    expect(await response.text()).toContain('handler bug');
  });
});

describe('FakePlatformServer.stop()', () => {
  it('cuts a call whose handler never answers and fails pending waits', async () => {
    const local = new FakePlatformServer().route('POST', '/hang', () => new Promise<never>(() => {}));
    await local.start();
    const inFlight = fetch(`${local.url}/hang`, { method: 'POST' }).catch((error: unknown) => error);
    await local.waitForCall({ path: '/hang' });
    const waiting = local.waitForCall({ path: '/never' }, 10_000).catch((error: unknown) => error);

    // Without the cut, stop() would wait for the hung call for ever (the test's timeout).
    await local.stop();

    expect(await inFlight).toBeInstanceOf(TypeError);
    expect(await waiting).toEqual(new Error('FakePlatformServer stopped while waiting for a call'));
  });
});

describe('FakePlatformServer.stallAnswerNext()', () => {
  it('carries out the next matching call but never answers it, then answers again', async () => {
    let handled = 0;
    const local = new FakePlatformServer().route('POST', '/send', () => ({ body: { sent: ++handled } }));
    await local.start();
    local.stallAnswerNext('POST', '/send');
    const stalled = fetch(`${local.url}/send`, { method: 'POST' }).catch((error: unknown) => error);
    await local.waitForCall({ path: '/send' });
    await expect.poll(() => handled).toBe(1);

    const next = await fetch(`${local.url}/send`, { method: 'POST' });
    expect(await next.json()).toEqual({ sent: 2 });
    await local.stop();
    expect(await stalled).toBeInstanceOf(TypeError);
  });
});
