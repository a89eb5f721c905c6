import type { SwitchboardConfig } from '@switchboard/config';
import { AccessAdmin, AccessAdminService } from '../local-admin/access-admin';
import { AccessAdminModule } from '../local-admin/local-admin.module';
import { LocalApi, platformQuery, withAdminPort } from './local-api';

/** Allowlist and pairing administration, through the running gateway or on the database. */
export function withAccessAdmin<T>(config: SwitchboardConfig, work: (admin: AccessAdmin) => Promise<T>): Promise<T> {
  return withAdminPort(
    config,
    (api) => new AccessAdminClient(api),
    { imports: [AccessAdminModule], service: AccessAdminService },
    work,
  );
}

/** The AccessAdmin port over the gateway's `/api/local` routes. */
class AccessAdminClient implements AccessAdmin {
  constructor(private readonly api: LocalApi) {}

  listAllowlist(platform?: string) {
    return this.api.call<Awaited<ReturnType<AccessAdmin['listAllowlist']>>>('GET', `/allowlist${platformQuery(platform)}`);
  }

  addToAllowlist(platform: string, userId: string, actor: string) {
    return this.api.call<{ added: boolean }>('POST', '/allowlist', { platform, userId, actor });
  }

  removeFromAllowlist(platform: string, userId: string, actor: string) {
    return this.api.call<{ removed: boolean }>('POST', '/allowlist/remove', { platform, userId, actor });
  }

  listPairings(platform?: string) {
    return this.api.call<Awaited<ReturnType<AccessAdmin['listPairings']>>>('GET', `/pairing${platformQuery(platform)}`);
  }

  approvePairing(platform: string, code: string, actor: string) {
    return this.api.call<Awaited<ReturnType<AccessAdmin['approvePairing']>>>('POST', '/pairing/approve', { platform, code, actor });
  }

  revokePairing(platform: string, userId: string, actor: string) {
    return this.api.call<Awaited<ReturnType<AccessAdmin['revokePairing']>>>('POST', '/pairing/revoke', { platform, userId, actor });
  }
}
