import { NestFactory } from '@nestjs/core';
import { Module } from '@nestjs/common';
import { ConfigModule, SwitchboardConfig } from '@switchboard/config';
import { PersistenceModule } from '@switchboard/persistence';
import { QueueModule } from '@switchboard/queue';
import { SecurityModule } from '@switchboard/security';
import { AccessAdmin, AccessAdminService } from '../local-admin/access-admin';
import { AccessAdminModule } from '../local-admin/local-admin.module';
import { RuntimeInfo, readRuntimeFile } from '../local-admin/runtime-file';
import { CliError } from './cli-output';

/**
 * Runs `work` against the running gateway's local API when one runs for this data directory
 * (an embedded database can be open in one process only), otherwise straight on the database.
 */
export async function withAccessAdmin<T>(config: SwitchboardConfig, work: (admin: AccessAdmin) => Promise<T>): Promise<T> {
  const running = readRuntimeFile(config.database.dataDir);
  if (running) return work(new LocalApiClient(running));

  @Module({
    imports: [ConfigModule.forRoot(config), PersistenceModule, QueueModule.forRoot(config), SecurityModule, AccessAdminModule],
  })
  class CliAccessModule {}

  const app = await NestFactory.createApplicationContext(CliAccessModule, { logger: ['error'], abortOnError: false });
  try {
    return await work(app.get(AccessAdminService));
  } finally {
    await app.close();
  }
}

/** The AccessAdmin port over the gateway's `/api/local` routes. */
class LocalApiClient implements AccessAdmin {
  constructor(private readonly gateway: RuntimeInfo) {}

  listAllowlist(platform?: string) {
    return this.call('GET', `/allowlist${platform ? `?platform=${encodeURIComponent(platform)}` : ''}`);
  }

  addToAllowlist(platform: string, userId: string, actor: string) {
    return this.call('POST', '/allowlist', { platform, userId, actor });
  }

  removeFromAllowlist(platform: string, userId: string) {
    return this.call('POST', '/allowlist/remove', { platform, userId });
  }

  listPairings(platform?: string) {
    return this.call('GET', `/pairing${platform ? `?platform=${encodeURIComponent(platform)}` : ''}`);
  }

  approvePairing(platform: string, code: string, actor: string) {
    return this.call('POST', '/pairing/approve', { platform, code, actor });
  }

  revokePairing(platform: string, userId: string, actor: string) {
    return this.call('POST', '/pairing/revoke', { platform, userId, actor });
  }

  // The answer's shape is the AccessAdmin method's result, produced by the same service.
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  private async call(method: string, path: string, body?: unknown): Promise<any> {
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
    return payload;
  }
}
