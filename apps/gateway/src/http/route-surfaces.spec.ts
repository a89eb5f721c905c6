import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { useBodyParsers } from '@switchboard/channels';
import { configSchema } from '@switchboard/config';
import { ControlPlaneGateway } from '@switchboard/control-plane/ws-gateway/control-plane.gateway';
import { ControlPlaneWsAdapter } from '@switchboard/control-plane/ws/server/control-plane.ws-adapter';
import { RouteSurfaceHook, surfaceOfPath } from '@switchboard/security';
import { AppModule } from '../app.module';

describe('the routes of the gateway application', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-route-surfaces-'));
  const routes: string[] = [];
  let app: NestFastifyApplication;

  beforeAll(async () => {
    const config = configSchema.parse({ database: { dataDir }, llm: { provider: 'echo' }, log: { level: 'error' } });
    const adapter = new FastifyAdapter();
    // Every route the application registers, whichever module or plugin adds it.
    adapter.getInstance().addHook('onRoute', (route) => {
      routes.push(`${String(route.method)} ${route.url}`);
    });
    app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, { logger: false, abortOnError: false });
    useBodyParsers(app);
    app.get(RouteSurfaceHook).install(adapter.getInstance());
    app.useWebSocketAdapter(new ControlPlaneWsAdapter(app, app.get(ControlPlaneGateway).admission));
    await app.init();
  }, 60_000);
  afterAll(async () => {
    await app?.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('puts every route on a surface', () => {
    expect(routes.length).toBeGreaterThan(10);
    expect(routes.filter((route) => surfaceOfPath(route.split(' ')[1]) === undefined)).toEqual([]);
  });

  it('puts the admin, control and webhook routes on their surfaces', () => {
    const surfaces = Object.fromEntries(routes.map((route) => [route, surfaceOfPath(route.split(' ')[1])]));
    expect(surfaces).toMatchObject({
      'GET /api/local/allowlist': 'admin',
      'GET /metrics': 'control',
      'GET /chat': 'control',
      'GET /v1/models': 'control',
      'POST /webhooks/:platform': 'webhook',
      'GET /health': 'health',
    });
  });
});
