import { Req } from '@nestjs/common';
import type { PairedDevice, PairingRequest } from '@switchboard/control-plane';
import type { DeviceList, PairedDevice as DeviceView } from '../contract/control-plane.schemas';
import { ADMIN_ROUTES as R } from '../contract/routes';
import { consoleActor } from '../http/actor';
import type { AdminPrincipal, AdminRequest } from '../http/admin-request';
import { AdminController, AdminRoute, Input, Principal } from '../http/admin-route.decorator';
import { RequestOrigin } from '../http/request-origin';
import { AuditedDevicesAdmin } from './audited-devices-admin';

const iso = (ms: number) => new Date(ms).toISOString();
const deviceView = (d: PairedDevice): DeviceView => ({
  deviceId: d.deviceId,
  clientId: d.clientId,
  clientMode: d.clientMode,
  displayName: d.displayName ?? null,
  platform: d.platform ?? null,
  roles: d.roles,
  scopes: d.scopes,
  createdAt: iso(d.createdAtMs),
  approvedAt: iso(d.approvedAtMs),
});
const requestView = (r: PairingRequest) => ({
  requestId: r.requestId,
  deviceId: r.deviceId,
  clientId: r.clientId,
  clientMode: r.clientMode,
  displayName: r.displayName ?? null,
  platform: r.platform ?? null,
  role: r.role,
  scopes: r.scopes,
  remoteIp: r.remoteIp,
  createdAt: iso(r.createdAtMs),
});

@AdminController('devices')
export class DevicesController {
  constructor(
    private readonly devices: AuditedDevicesAdmin,
    private readonly origin: RequestOrigin,
  ) {}

  @AdminRoute(R.deviceList)
  async list(): Promise<DeviceList> {
    const { pending, paired } = await this.devices.listDevices();
    return { pending: pending.map(requestView), paired: paired.map(deviceView) };
  }

  @AdminRoute(R.deviceApprove)
  async approve(@Input('params') params: { requestId: string }, @Principal() p: AdminPrincipal, @Req() request: AdminRequest) {
    return deviceView(await this.devices.approveDevice(params.requestId, consoleActor(p, request, this.origin)));
  }

  @AdminRoute(R.deviceReject)
  async reject(@Input('params') params: { requestId: string }, @Principal() p: AdminPrincipal, @Req() request: AdminRequest) {
    await this.devices.rejectDevice(params.requestId, consoleActor(p, request, this.origin));
    return { ok: true as const };
  }

  @AdminRoute(R.deviceRevoke)
  async revoke(@Input('params') params: { deviceId: string }, @Principal() p: AdminPrincipal, @Req() request: AdminRequest) {
    return deviceView(await this.devices.revokeDevice(params.deviceId, consoleActor(p, request, this.origin)));
  }
}
