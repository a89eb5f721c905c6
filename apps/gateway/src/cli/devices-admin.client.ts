import { AuditedDevicesAdmin, AuditedDevicesModule } from '@switchboard/admin-api';
import type { SwitchboardConfig } from '@switchboard/config';
import type { DevicesAdmin } from '@switchboard/control-plane/ws-gateway/devices/devices-admin';
import { LocalApi, withAdminPort } from './local-api';

/** Control-plane device pairing, through the running gateway or on the database. */
export function withDevicesAdmin<T>(config: SwitchboardConfig, work: (admin: DevicesAdmin) => Promise<T>): Promise<T> {
  return withAdminPort(config, (api) => new DevicesAdminClient(api), { imports: [AuditedDevicesModule], service: AuditedDevicesAdmin }, work);
}

/** The DevicesAdmin port over the gateway's `/api/local/devices` routes. */
class DevicesAdminClient implements DevicesAdmin {
  constructor(private readonly api: LocalApi) {}

  listDevices() {
    return this.api.call<Awaited<ReturnType<DevicesAdmin['listDevices']>>>('GET', '/devices');
  }

  approveDevice(requestId: string, actor: string) {
    return this.api.call<Awaited<ReturnType<DevicesAdmin['approveDevice']>>>('POST', `/devices/${encodeURIComponent(requestId)}/approve`, { actor });
  }

  rejectDevice(requestId: string, actor: string) {
    return this.api.call<Awaited<ReturnType<DevicesAdmin['rejectDevice']>>>('POST', `/devices/${encodeURIComponent(requestId)}/reject`, { actor });
  }

  revokeDevice(deviceId: string, actor: string) {
    return this.api.call<Awaited<ReturnType<DevicesAdmin['revokeDevice']>>>('POST', `/devices/${encodeURIComponent(deviceId)}/revoke`, { actor });
  }
}
