import type { RequestListener } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { SetupLink, serveAdminOpenApi } from '@switchboard/admin-api';
import { useBodyParsers } from '@switchboard/channels';
import type { SwitchboardConfig } from '@switchboard/config';
import { ControlPlaneGateway } from '@switchboard/control-plane/ws-gateway/control-plane.gateway';
import { ControlPlaneWsAdapter } from '@switchboard/control-plane/ws/server/control-plane.ws-adapter';
import { AppLogger, REQUEST_ID_HEADER_NAME, requestIdFor } from '@switchboard/observability';
import { RouteSurfaceHook } from '@switchboard/security';
import { ADMIN_CONSOLE_DIR, adminConsolePlugin } from './admin-console/admin-console.plugin';
import { AppModule } from './app.module';
import type { EarlyListener } from './early-listener';
import { LocalAdminToken } from './local-admin/local-admin.token';
import { version } from './version';
import { removeRuntimeFile, writeRuntimeFile } from './local-admin/runtime-file';

export interface RunningGateway {
  url: string;
  /** Stops taking requests, drains in-flight jobs (up to the configured timeout) and closes. */
  stop(): Promise<void>;
}

/**
 * Builds the application from a validated configuration on the already listening server, then
 * hands the server's requests to it. `configFile` is the --config it was started with, if any;
 * `generatedToken` the control-plane token an embedded gateway generated (no GATEWAY_TOKEN).
 */
export async function startGateway(
  config: SwitchboardConfig,
  listener: EarlyListener,
  url: string,
  configFile?: string,
  generatedToken?: string,
): Promise<RunningGateway> {
  let appHandler: RequestListener | undefined;
  const adapter = new FastifyAdapter({
    trustProxy: false,
    requestIdHeader: false,
    genReqId: requestIdFor,
    // Fastify serves on the listener's server; its handler takes over once routes are ready.
    serverFactory: (handler: RequestListener) => {
      appHandler = handler;
      return listener.server;
    },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, configFile, generatedToken), adapter, {
    bufferLogs: true,
    // Throw start-up errors to the caller (the CLI prints them) instead of aborting the process.
    abortOnError: false,
  });
  app.useLogger(app.get(AppLogger));
  // Webhook bodies reach their adapter unparsed, so that it checks the secret first.
  useBodyParsers(app);
  // First hook: every request meets the IP rules of its surface before anything else runs.
  app.get(RouteSurfaceHook).install(adapter.getInstance());
  // The admin console's static export, at /admin/ on the same port.
  await app.register(adminConsolePlugin, { root: ADMIN_CONSOLE_DIR });

  adapter.getInstance().addHook('onSend', async (request, reply) => {
    reply.header(REQUEST_ID_HEADER_NAME, request.id);
  });

  let draining = false;
  // While draining, new work is refused (platforms retry a 503); liveness still answers.
  adapter.getInstance().addHook('onRequest', async (request, reply) => {
    if (draining && request.url !== '/health') {
      await reply.code(503).header('connection', 'close').send({ error: 'the gateway is shutting down' });
    }
  });

  // WebSocket upgrades on the same port, admitted by the control plane (see ControlPlaneWsAdapter).
  const controlPlane = app.get(ControlPlaneGateway);
  app.useWebSocketAdapter(new ControlPlaneWsAdapter(app, controlPlane.admission));
  serveAdminOpenApi(app, version);

  await app.init();
  // listen() would write the logs buffered during start-up; the app never calls it (see above).
  app.flushLogs();
  await adapter.getInstance().ready();
  listener.handOver(appHandler!);
  writeRuntimeFile(config.database.dataDir, { url, token: app.get(LocalAdminToken).value });
  app.get(SetupLink).announce(url);
  return {
    url,
    async stop() {
      draining = true;
      removeRuntimeFile(config.database.dataDir);
      // Before the application closes: clients get `shutdown` and 1012 while it still answers.
      await controlPlane.close({ reason: 'shutdown' });
      await app.close();
      await listener.close();
    },
  };
}
