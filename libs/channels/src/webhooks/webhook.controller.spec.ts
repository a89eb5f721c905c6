import { Body, Controller, Logger, Post } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { APP_CONFIG, configSchema } from '@switchboard/config';
import { CHANNEL_ADAPTERS, ChannelAdapter, ChannelRegistry, WebhookRequest, WebhookResponse } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { RuntimeSettings } from '@switchboard/security';
import { useBodyParsers } from './body-parsers';
import { WebhookController } from './webhook.controller';

const SECRET = 'the-webhook-secret';

/** A webhook adapter like Telegram's: a secret header first, then the body. */
class SecretHeaderAdapter implements Partial<ChannelAdapter> {
  readonly id = 'hooked';
  readonly received: WebhookRequest[] = [];

  constructor(readonly accountId = 'default') {}

  async handleWebhook(request: WebhookRequest): Promise<WebhookResponse> {
    this.received.push(request);
    if (request.headers['x-secret'] !== SECRET) return { status: 401, body: { error: 'invalid secret' } };
    try {
      return { status: 200, body: { updateId: (JSON.parse(request.rawBody.toString('utf8')) as { update_id: number }).update_id } };
    } catch {
      return { status: 400, body: { error: 'not JSON' } };
    }
  }
}

/** A webhook adapter like WeCom's: GET checks the URL (echoes a query value), POST takes XML. */
class UrlCheckingAdapter implements Partial<ChannelAdapter> {
  readonly id = 'checked';
  readonly webhookMethods = ['GET', 'POST'] as const;
  readonly received: WebhookRequest[] = [];

  constructor(readonly accountId = 'default') {}

  async handleWebhook(request: WebhookRequest): Promise<WebhookResponse> {
    this.received.push(request);
    if (request.method === 'GET') return { status: 200, body: request.query.echostr ?? '', headers: { 'content-type': 'text/plain' } };
    return { status: 200, body: '' };
  }
}

// Another route of the same application: its JSON body is parsed as usual.
@Controller('v1')
class JsonController {
  @Post('echo')
  echo(@Body() body: unknown) {
    return { body };
  }
}

describe('WebhookController', () => {
  let app: NestFastifyApplication;
  const adapter = new SecretHeaderAdapter();
  const mainAccount = new SecretHeaderAdapter('main');
  const checking = new UrlCheckingAdapter();
  const checkingMain = new UrlCheckingAdapter('main');

  beforeAll(async () => {
    Logger.overrideLogger(false);
    const moduleRef = await Test.createTestingModule({
      controllers: [WebhookController, JsonController],
      providers: [
        ChannelRegistry,
        SwitchboardMetrics,
        { provide: CHANNEL_ADAPTERS, useValue: [adapter, mainAccount, checking, checkingMain] },
        { provide: APP_CONFIG, useValue: configSchema.parse({}) },
        RuntimeSettings,
      ],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    useBodyParsers(app);
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const post = (url: string, payload: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'POST', url, payload, headers: { 'content-type': 'application/json', ...headers } });

  it('refuses a wrong secret with 401 even when the body is not JSON, and counts it for the platform', async () => {
    const metrics = app.get(SwitchboardMetrics);
    const rejected = async () => (await metrics.webhooksRejected.get()).values.find((v) => v.labels.platform === 'hooked')?.value ?? 0;
    const before = await rejected();
    const response = await post('/webhooks/hooked', '{"update_id": 1, broken', { 'x-secret': 'wrong' });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toEqual({ error: 'invalid secret' });
    expect(await rejected()).toBe(before + 1);
  });

  it('does not parse the body of a webhook before its adapter checked the secret', async () => {
    // ~0.9 MB of structure, as a flood of forged updates would send.
    const large = JSON.stringify({ update_id: 2, items: Array.from({ length: 30_000 }, (_, i) => ({ i, text: 'abcdef' })) });
    expect(large.length).toBeGreaterThan(800_000);
    const parse = vi.spyOn(JSON, 'parse');
    try {
      expect((await post('/webhooks/hooked/main', large, { 'x-secret': 'wrong' })).statusCode).toBe(401);
      expect(parse).not.toHaveBeenCalled();
      // The spy does see the framework parse other routes' JSON.
      expect((await post('/v1/echo', '{"a":1}')).json()).toEqual({ body: { a: 1 } });
      expect(parse).toHaveBeenCalled();
    } finally {
      parse.mockRestore();
    }
  });

  it('hands the adapter the bytes exactly as sent, with the account', async () => {
    const payload = '{ "update_id" : 3 }';
    const response = await post('/webhooks/hooked/main', payload, { 'x-secret': SECRET });
    expect(response.json()).toEqual({ updateId: 3 });
    const request = mainAccount.received.at(-1) as WebhookRequest;
    expect(request.accountId).toBe('main');
    expect(request.rawBody.toString('utf8')).toBe(payload);
  });

  it('routes each account to its own adapter, the default one without an account, and 404s an account not configured', async () => {
    const [toDefault, toMain] = [adapter.received.length, mainAccount.received.length];
    expect((await post('/webhooks/hooked', '{"update_id": 10}', { 'x-secret': SECRET })).json()).toEqual({ updateId: 10 });
    expect((await post('/webhooks/hooked/main', '{"update_id": 11}', { 'x-secret': SECRET })).json()).toEqual({ updateId: 11 });
    expect((await post('/webhooks/hooked/default', '{"update_id": 12}', { 'x-secret': SECRET })).json()).toEqual({ updateId: 12 });
    expect(adapter.received.slice(toDefault).map((request) => request.accountId)).toEqual(['default', 'default']);
    expect(mainAccount.received.slice(toMain).map((request) => request.accountId)).toEqual(['main']);

    // NOT_FOUND, which the gateway's filter answers with 404 (e2e/telegram-accounts checks the status).
    const unknown = await post('/webhooks/hooked/sales', '{"update_id": 13}', { 'x-secret': SECRET });
    expect(unknown.statusCode).not.toBe(200);
    expect(adapter.received.length + mainAccount.received.length).toBe(toDefault + toMain + 3);
  });

  it('hands nothing to the adapter of a channel an operator disabled, and again once it is enabled', async () => {
    const settings = app.get(RuntimeSettings);
    const before = adapter.received.length;
    settings.apply(new Map([['hooked.enabled', false]]));
    try {
      expect((await post('/webhooks/hooked', '{"update_id": 4}', { 'x-secret': SECRET })).statusCode).not.toBe(200);
      expect(adapter.received.length).toBe(before);
    } finally {
      settings.apply(new Map());
    }
    expect((await post('/webhooks/hooked', '{"update_id": 5}', { 'x-secret': SECRET })).json()).toEqual({ updateId: 5 });
  });

  it('answers GET with 405 for an adapter that takes POST only, without calling it', async () => {
    const before = adapter.received.length;
    const response = await app.inject({ method: 'GET', url: '/webhooks/hooked?echostr=x' });
    expect(response.statusCode).toBe(405);
    expect(response.headers.allow).toBe('POST');
    expect(adapter.received.length).toBe(before);
  });

  it('hands GET to an adapter that takes it, with the method and the query', async () => {
    const response = await app.inject({ method: 'GET', url: '/webhooks/checked/main?echostr=hello%20there' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toBe('hello there');
    expect(checkingMain.received.at(-1)).toMatchObject({ method: 'GET', accountId: 'main', query: { echostr: 'hello there' } });
  });

  it('hands an XML body to the adapter as bytes, and refuses XML on other routes', async () => {
    const xml = '<xml><Encrypt><![CDATA[abc]]></Encrypt></xml>';
    const response = await app.inject({ method: 'POST', url: '/webhooks/checked', payload: xml, headers: { 'content-type': 'text/xml' } });
    expect(response.statusCode).toBe(200);
    expect(checking.received.at(-1)).toMatchObject({ method: 'POST' });
    expect(checking.received.at(-1)?.rawBody.toString('utf8')).toBe(xml);
    const other = await app.inject({ method: 'POST', url: '/v1/echo', payload: xml, headers: { 'content-type': 'application/xml' } });
    expect(other.statusCode).toBe(415);
  });
});
