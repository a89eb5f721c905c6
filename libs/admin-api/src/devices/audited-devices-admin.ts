import { Injectable } from '@nestjs/common';
import { DevicesAdmin, DevicesAdminService } from '@switchboard/control-plane/ws-gateway/devices/devices-admin';
import { AuditLog } from '../audit/audit-log.service';
import { ActorContext, actorContext } from '../http/admin-request';

/** The control plane's device administration with every decision in the audit log (console, CLI, local API). */
@Injectable()
export class AuditedDevicesAdmin implements DevicesAdmin {
  constructor(
    private readonly devices: DevicesAdminService,
    private readonly audit: AuditLog,
  ) {}

  listDevices() {
    return this.devices.listDevices();
  }

  approveDevice(requestId: string, actor: string | ActorContext) {
    return this.audit.change(actorContext(actor), () => this.devices.approveDevice(requestId, actorContext(actor).actor), (d) => ({
      action: 'device.approve',
      targetType: 'device',
      targetId: d.deviceId,
      after: { roles: d.roles, scopes: d.scopes },
    }));
  }

  rejectDevice(requestId: string, actor: string | ActorContext) {
    return this.audit.change(actorContext(actor), () => this.devices.rejectDevice(requestId, actorContext(actor).actor), (r) => ({ action: 'device.reject', targetType: 'device', targetId: r.deviceId }));
  }

  revokeDevice(deviceId: string, actor: string | ActorContext) {
    return this.audit.change(actorContext(actor), () => this.devices.revokeDevice(deviceId, actorContext(actor).actor), (d) => ({ action: 'device.revoke', targetType: 'device', targetId: d.deviceId }));
  }
}
