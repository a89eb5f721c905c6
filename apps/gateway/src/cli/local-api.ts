import { DynamicModule, ForwardReference, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule, SwitchboardConfig } from '@switchboard/config';
import { RuntimeInfo, readRuntimeFile } from '../local-admin/runtime-file';
import { CliError } from './cli-output';

type Imports = Array<Type | DynamicModule | ForwardReference>;

/**
 * Runs `work` with an admin port: over the running gateway's local API when a gateway runs for
 * this data directory (an embedded database can be open in one process only), otherwise with the
 * service itself in a short-lived Nest context on the database.
 */
export async function withAdminPort<Port, T>(
  config: SwitchboardConfig,
  remote: (api: LocalApi) => Port,
  local: { imports: Imports; service: Type<Port> },
  work: (port: Port) => Promise<T>,
): Promise<T> {
  const running = readRuntimeFile(config.database.dataDir);
  if (running) return work(remote(new LocalApi(running)));

  class CliContextModule {}
  const app = await NestFactory.createApplicationContext(
    { module: CliContextModule, imports: [ConfigModule.forRoot(config), ...local.imports] },
    { logger: ['error'], abortOnError: false },
  );
  try {
    return await work(app.get(local.service));
  } finally {
    await app.close();
  }
}

/** `/api/local/*` of the running gateway, authenticated with the runtime file's token. */
export class LocalApi {
  constructor(private readonly gateway: RuntimeInfo) {}

  async call<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(`${this.gateway.url}/api/local${path}`, {
        method,
        headers: { authorization: `Bearer ${this.gateway.token}`, ...(body ? { 'content-type': 'application/json' } : {}) },
        body: body ? JSON.stringify(body) : undefined,
        signal: AbortSignal.timeout(10_000),
      });
    } catch (error) {
      throw new CliError(`the gateway (pid ${this.gateway.pid}) at ${this.gateway.url} does not answer: ${(error as Error).message}`);
    }
    const payload = (await response.json().catch(() => ({}))) as { error?: { message?: string }; message?: unknown };
    if (!response.ok) {
      // Our errors are {error:{message}}; Nest's own (404, body parsing) are {message}.
      const reason = payload.error?.message ?? (typeof payload.message === 'string' ? payload.message : undefined);
      throw new CliError(reason ?? `the gateway answered HTTP ${response.status}`);
    }
    return payload as T;
  }

  /** A GET whose text answer is streamed (exports of any size). */
  async *lines(path: string): AsyncGenerator<string> {
    let response: Response;
    try {
      response = await fetch(`${this.gateway.url}/api/local${path}`, { headers: { authorization: `Bearer ${this.gateway.token}` } });
    } catch (error) {
      throw new CliError(`the gateway (pid ${this.gateway.pid}) at ${this.gateway.url} does not answer: ${(error as Error).message}`);
    }
    if (!response.ok || !response.body) {
      const payload = (await response.json().catch(() => ({}))) as { error?: { message?: string } };
      throw new CliError(payload.error?.message ?? `the gateway answered HTTP ${response.status}`);
    }
    const decoder = new TextDecoder();
    for await (const chunk of response.body) yield decoder.decode(chunk as Uint8Array, { stream: true });
  }
}

/** `?platform=x` or nothing. */
export function platformQuery(platform?: string): string {
  return platform ? `?platform=${encodeURIComponent(platform)}` : '';
}
