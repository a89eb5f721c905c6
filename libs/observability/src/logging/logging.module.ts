import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';
import { DynamicModule, Module } from '@nestjs/common';
import { LoggerModule } from 'nestjs-pino';
import type { SwitchboardConfig } from '@switchboard/config';
import { AppLogger } from './app-logger';
import { REDACTED_LOG_PATHS } from './redaction';

const REQUEST_ID_HEADER = 'x-request-id';
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

/** JSON logs through pino (pretty in a terminal), one line per request with its request id. */
@Module({})
export class LoggingModule {
  static forRoot(config: SwitchboardConfig): DynamicModule {
    const pretty = config.log.pretty ?? Boolean(process.stdout.isTTY);
    return {
      module: LoggingModule,
      global: true,
      providers: [AppLogger],
      exports: [AppLogger],
      imports: [
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.log.level,
            transport: pretty ? { target: 'pino-pretty', options: { singleLine: true, translateTime: 'SYS:HH:MM:ss.l' } } : undefined,
            redact: { paths: REDACTED_LOG_PATHS, censor: '[redacted]' },
            // Probes and scrapes would drown the request log.
            // (Behind Fastify's middleware layer req.url is relative to the route; originalUrl is whole.)
            autoLogging: { ignore: (req) => isProbe((req as IncomingMessage & { originalUrl?: string }).originalUrl ?? req.url) },
            serializers: {
              req: (req: { id: unknown; method: string; url: string; remoteAddress?: string }) => ({
                id: req.id,
                method: req.method,
                url: req.url,
                remoteAddress: req.remoteAddress,
              }),
            },
          },
        }),
      ],
    };
  }
}

/**
 * The id of a request: a well-formed incoming X-Request-Id (set by a proxy) or a new UUID. The HTTP
 * server assigns it (Fastify `genReqId`), the request log line carries it, and it is echoed back.
 */
export function requestIdFor(req: IncomingMessage): string {
  const incoming = req.headers[REQUEST_ID_HEADER];
  return typeof incoming === 'string' && REQUEST_ID.test(incoming) ? incoming : randomUUID();
}

export const REQUEST_ID_HEADER_NAME = REQUEST_ID_HEADER;

function isProbe(url: string | undefined): boolean {
  return url === '/health' || url === '/ready' || url === '/metrics';
}
