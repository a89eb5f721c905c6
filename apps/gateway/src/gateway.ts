import type { RequestListener } from 'node:http';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { SwitchboardConfig } from '@switchboard/config';
import { ControlPlaneGateway } from '@switchboard/control-plane/ws-gateway/control-plane.gateway';
import { REQUEST_ID_HEADER_NAME, requestIdFor } from '@switchboard/observability';
import { AppModule } from './app.module';
import type { EarlyListener } from './early-listener';
import { LocalAdminToken } from './local-admin/local-admin.token';
import { removeRuntimeFile, writeRuntimeFile } from './local-admin/runtime-file';

export interface RunningGateway {
  url: string;
  /** Stops taking requests, drains in-flight jobs (up to the configured timeout) and closes. */
  stop(): Promise<void>;
}

/**
 * Builds the application from a validated configuration on the already listening server, then
 * hands the server's requests to it. `configFile` is the --config it was started with, if any.
 */
export async function startGateway(
  config: SwitchboardConfig,
  listener: EarlyListener,
  url: string,
  configFile?: string,
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
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config, configFile), adapter, {
    bufferLogs: true,
    // Webhook signatures are computed over the body exactly as sent.
    rawBody: true,
    // Throw start-up errors to the caller (the CLI prints them) instead of aborting the process.
    abortOnError: false,
  });
  app.useLogger(app.get(Logger));

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

  await app.init();
  // listen() would write the logs buffered during start-up; the app never calls it (see above).
  app.flushLogs();
  await adapter.getInstance().ready();
  listener.handOver(appHandler!);
  // WebSocket upgrades on the same port, once every method's services are ready.
  const controlPlane = app.get(ControlPlaneGateway);
  controlPlane.attach(listener.server);
  writeRuntimeFile(config.database.dataDir, { url, token: app.get(LocalAdminToken).value });
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
