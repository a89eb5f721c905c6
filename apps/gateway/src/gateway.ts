import type { AddressInfo } from 'node:net';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Logger } from 'nestjs-pino';
import type { SwitchboardConfig } from '@switchboard/config';
import { REQUEST_ID_HEADER_NAME, requestIdFor } from '@switchboard/observability';
import { AppModule } from './app.module';
import { LocalAdminToken } from './local-admin/local-admin.token';
import { removeRuntimeFile, writeRuntimeFile } from './local-admin/runtime-file';

export interface RunningGateway {
  url: string;
  /** Stops taking requests, drains in-flight jobs (up to the configured timeout) and closes. */
  stop(): Promise<void>;
}

/** Builds the application from a validated configuration and starts listening. */
export async function startGateway(config: SwitchboardConfig): Promise<RunningGateway> {
  const adapter = new FastifyAdapter({ trustProxy: false, requestIdHeader: false, genReqId: requestIdFor });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
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

  await app.listen(config.gateway.port, config.gateway.host);
  const address = app.getHttpServer().address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  const url = `http://${host}:${address.port}`;
  writeRuntimeFile(config.database.dataDir, { url, token: app.get(LocalAdminToken).value });
  return {
    url,
    async stop() {
      draining = true;
      removeRuntimeFile(config.database.dataDir);
      await app.close();
    },
  };
}
