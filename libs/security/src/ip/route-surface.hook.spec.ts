import { Controller, Get, Logger, Post } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigModule, configSchema } from '@switchboard/config';
import { RuntimeSettings } from '../settings/runtime-settings';
import { IpRules } from './ip-rules';
import { RouteSurfaceHook } from './route-surface.hook';

// One route per entry of ROUTE_SURFACES, as the gateway and the admin console serve them.
@Controller()
class SurfacesController {
  @Post('webhooks/:platform')
  webhook() {
    return { ok: 'webhook' };
  }

  @Get('api/admin/users')
  adminApi() {
    return { ok: 'admin-api' };
  }

  @Get('admin/*')
  console() {
    return { ok: 'console' };
  }

  @Get('api/local/allowlist')
  localApi() {
    return { ok: 'local' };
  }

  @Get()
  landing() {
    return { ok: 'landing' };
  }

  @Get('chat')
  chat() {
    return { ok: 'chat' };
  }

  @Get('v1/models')
  models() {
    return { ok: 'models' };
  }

  @Get('metrics')
  metrics() {
    return { ok: 'metrics' };
  }

  @Get('health')
  health() {
    return { ok: 'health' };
  }

  @Get('ready')
  ready() {
    return { ok: 'ready' };
  }
}

@Controller()
class StrayController {
  @Get('stray')
  stray() {
    return {};
  }
}

const ADMIN = '192.0.2.10';
const STRANGER = '203.0.113.1';
const BANNED = '198.51.100.7';
const PROXY = '10.0.0.1';

async function startApp(controller: new () => unknown, security: Record<string, unknown>): Promise<NestFastifyApplication> {
  const config = configSchema.parse({ security });
  const moduleRef = await Test.createTestingModule({
    imports: [ConfigModule.forRoot(config)],
    controllers: [controller],
    providers: [RuntimeSettings, IpRules, RouteSurfaceHook],
  }).compile();
  const app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
  app.get(RouteSurfaceHook).install(app.getHttpAdapter().getInstance());
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return app;
}

describe('RouteSurfaceHook', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    app = await startApp(SurfacesController, {
      trustedProxies: [PROXY],
      webhookIpDeny: [BANNED],
      adminIpAllow: [ADMIN, '127.0.0.1'],
      adminIpDeny: [BANNED],
      controlIpAllow: ['192.0.2.0/24'],
      controlIpDeny: [BANNED],
    });
  });
  afterAll(() => app.close());

  const request = (method: 'GET' | 'POST', url: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    app.inject({ method, url, remoteAddress, headers });
  const status = async (method: 'GET' | 'POST', url: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    (await request(method, url, remoteAddress, headers)).statusCode;

  it('applies ADMIN_IP_ALLOW and ADMIN_IP_DENY to the admin API, the console and the local API', async () => {
    for (const url of ['/api/admin/users', '/admin/index.html', '/api/local/allowlist']) {
      expect(await status('GET', url, ADMIN)).toBe(200);
      expect(await status('GET', url, STRANGER)).toBe(403);
      expect(await status('GET', url, BANNED)).toBe(403);
    }
  });

  it('applies CONTROL_IP_ALLOW and CONTROL_IP_DENY to /, /chat, /v1 and /metrics', async () => {
    for (const url of ['/', '/chat', '/v1/models', '/metrics']) {
      expect(await status('GET', url, '192.0.2.99')).toBe(200);
      expect(await status('GET', url, STRANGER)).toBe(403);
    }
    expect(await status('GET', '/chat', BANNED)).toBe(403);
  });

  it('applies WEBHOOK_IP_DENY to webhooks and lets other addresses through', async () => {
    expect(await status('POST', '/webhooks/telegram', BANNED)).toBe(403);
    expect(await status('POST', '/webhooks/telegram', STRANGER)).toBe(201);
  });

  it('applies an operator\'s change of the lists from the next request on, and the configuration again after a reset', async () => {
    const settings = app.get(RuntimeSettings);
    settings.apply(new Map([['security.webhookIpDeny', [STRANGER]]]));
    expect(await status('POST', '/webhooks/telegram', STRANGER)).toBe(403);
    // The override replaces the configured list.
    expect(await status('POST', '/webhooks/telegram', BANNED)).toBe(201);
    settings.apply(new Map());
    expect(await status('POST', '/webhooks/telegram', STRANGER)).toBe(201);
    expect(await status('POST', '/webhooks/telegram', BANNED)).toBe(403);
  });

  it('never restricts /health and /ready', async () => {
    for (const url of ['/health', '/ready']) expect(await status('GET', url, BANNED)).toBe(200);
  });

  it('judges the client a trusted proxy forwards for, on every surface', async () => {
    expect(await status('GET', '/api/admin/users', PROXY, { 'x-forwarded-for': ADMIN })).toBe(200);
    expect(await status('GET', '/api/admin/users', PROXY, { 'x-forwarded-for': STRANGER })).toBe(403);
    expect(await status('POST', '/webhooks/telegram', PROXY, { 'x-forwarded-for': BANNED })).toBe(403);
    expect(await status('GET', '/v1/models', PROXY, { 'x-forwarded-for': `${STRANGER}, 192.0.2.5` })).toBe(200);
    // X-Forwarded-For from an address that is not a trusted proxy is not believed.
    expect(await status('GET', '/api/admin/users', STRANGER, { 'x-forwarded-for': ADMIN })).toBe(403);
  });

  it('answers 403 with a JSON error (in OpenAI form on /v1) and logs why', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    const refused = await request('GET', '/api/admin/users', STRANGER);
    expect(refused.headers['content-type']).toContain('application/json');
    expect(refused.json()).toEqual({ error: { code: 'IP_NOT_ALLOWED', message: 'Your address may not use this endpoint.' } });
    expect(warn).toHaveBeenCalledWith(`refused ${STRANGER} on admin: ip_not_allowed`);
    expect((await request('GET', '/v1/models', BANNED)).json()).toEqual({
      error: { message: 'Your address may not use this endpoint.', type: 'invalid_request_error', param: null, code: 'ip_not_allowed' },
    });
    warn.mockRestore();
  });

  it('refuses unknown paths of a restricted surface like its routes, and leaves other unknown paths to the 404', async () => {
    expect(await status('GET', '/api/admin/nothing-here', STRANGER)).toBe(403);
    expect(await status('GET', '/api/admin/nothing-here', ADMIN)).toBe(404);
    expect(await status('GET', '/nothing-here', BANNED)).toBe(404);
  });

  it('stops the application at start when a route belongs to no surface', async () => {
    await expect(startApp(StrayController, {})).rejects.toThrow(
      'route GET /stray belongs to no surface: add its path to ROUTE_SURFACES in libs/security',
    );
  });
});
