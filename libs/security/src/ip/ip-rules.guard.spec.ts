import { Controller, Get, Logger } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigModule, configSchema } from '@switchboard/config';
import { IpRules } from './ip-rules';
import { IpRulesGuard, IpSurface } from './ip-rules.guard';

@Controller()
class ProbeController {
  @Get('webhooks/test')
  @IpSurface('webhook')
  webhook() {
    return { ok: true };
  }

  @Get('health')
  health() {
    return { ok: true };
  }
}

@Controller('admin')
@IpSurface('admin')
class AdminController {
  @Get('users')
  users() {
    return [];
  }
}

describe('IpRulesGuard over HTTP', () => {
  let app: NestFastifyApplication;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    const config = configSchema.parse({
      security: { webhookIpDeny: ['198.51.100.0/24'], adminIpAllow: ['127.0.0.1', '::1'], trustedProxies: ['10.0.0.1'] },
    });
    const moduleRef = await Test.createTestingModule({
      imports: [ConfigModule.forRoot(config)],
      controllers: [ProbeController, AdminController],
      providers: [IpRules, IpRulesGuard],
    }).compile();
    app = moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter());
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });
  afterAll(() => app.close());

  const get = (url: string, remoteAddress: string, headers: Record<string, string> = {}) =>
    app.inject({ method: 'GET', url, remoteAddress, headers });

  it('answers 403 with a JSON error to a denied address and logs why', async () => {
    const warn = vi.spyOn(Logger.prototype, 'warn');
    const response = await get('/webhooks/test', '198.51.100.7');
    expect(response.statusCode).toBe(403);
    expect(response.headers['content-type']).toContain('application/json');
    expect(response.json()).toEqual({ error: { code: 'IP_NOT_ALLOWED', message: 'Your address may not use this endpoint.' } });
    expect(warn).toHaveBeenCalledWith('refused 198.51.100.7 on webhook: ip_denied');
    warn.mockRestore();
  });

  it('lets other addresses through', async () => {
    expect((await get('/webhooks/test', '203.0.113.1')).json()).toEqual({ ok: true });
  });

  it('applies the client address a trusted proxy forwarded', async () => {
    expect((await get('/webhooks/test', '10.0.0.1', { 'x-forwarded-for': '198.51.100.7' })).statusCode).toBe(403);
    expect((await get('/webhooks/test', '10.0.0.1', { 'x-forwarded-for': '203.0.113.1' })).statusCode).toBe(200);
  });

  it('applies a surface declared on the controller to its routes', async () => {
    expect((await get('/admin/users', '127.0.0.1')).statusCode).toBe(200);
    expect((await get('/admin/users', '203.0.113.1')).statusCode).toBe(403);
  });

  it('leaves routes without a surface alone', async () => {
    expect((await get('/health', '198.51.100.7')).statusCode).toBe(200);
  });
});
