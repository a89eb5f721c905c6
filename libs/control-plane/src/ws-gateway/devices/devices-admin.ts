import { Inject, Injectable, Optional } from '@nestjs/common';
import { DomainError, ErrorCode } from '@switchboard/core';
import { DEVICE_STORE, type DeviceStore, PairedDevice, PairingRequest } from '../../ws/ports/device-store.port';
import { DEVICE_REVOKED, REPLICA_BUS, type ReplicaBus } from '../../ws/ports/replica-bus.port';
import { OPERATOR_SCOPES, grantScopes } from '../../ws/protocol/scopes';
import { ControlPlaneGateway } from '../control-plane.gateway';

/**
 * What operators do with control-plane devices from the CLI: through the running gateway's local
 * API, or straight on the database when no gateway runs.
 */
export interface DevicesAdmin {
  listDevices(): Promise<{ pending: PairingRequest[]; paired: PairedDevice[] }>;
  approveDevice(requestId: string, actor: string): Promise<PairedDevice>;
  rejectDevice(requestId: string, actor: string): Promise<PairingRequest>;
  /** Unpairs a device: its token stops working and it must ask for pairing again. */
  revokeDevice(deviceId: string, actor: string): Promise<PairedDevice>;
}

@Injectable()
export class DevicesAdminService implements DevicesAdmin {
  constructor(
    @Inject(DEVICE_STORE) private readonly devices: DeviceStore,
    // Present in the running gateway: connected operators hear about the decision.
    @Optional() private readonly gateway?: ControlPlaneGateway,
    // Without a gateway here (the CLI on the database), the running replicas hear of it over Redis.
    @Optional() @Inject(REPLICA_BUS) private readonly replicas?: ReplicaBus | null,
  ) {}

  async listDevices() {
    const [pending, paired] = await Promise.all([this.devices.listPairingRequests(), this.devices.listDevices()]);
    return { pending, paired };
  }

  /** Grants the scopes the device asked for: whoever runs the CLI on this machine holds them all. */
  async approveDevice(requestId: string, actor: string): Promise<PairedDevice> {
    const request = await this.devices.findPairingRequest(requestId);
    if (!request) throw noRequest(requestId);
    const device = await this.devices.approve(requestId, grantScopes(request.role, request.scopes, OPERATOR_SCOPES), Date.now(), actor);
    // Null when someone decided in between.
    if (!device) throw noRequest(requestId);
    this.announce('device.pair.resolved', { requestId, deviceId: device.deviceId, decision: 'approved', ts: Date.now() });
    return device;
  }

  async rejectDevice(requestId: string, actor: string): Promise<PairingRequest> {
    const request = await this.devices.reject(requestId, actor);
    if (!request) throw noRequest(requestId);
    this.announce('device.pair.resolved', { requestId, deviceId: request.deviceId, decision: 'rejected', ts: Date.now() });
    return request;
  }

  async revokeDevice(deviceId: string, actor: string): Promise<PairedDevice> {
    const device = await this.devices.revoke(deviceId, Date.now(), actor);
    if (!device) throw new DomainError(ErrorCode.NOT_FOUND, `no paired device ${deviceId} (see switchboard devices list)`);
    // Connections it already has would otherwise keep what the revocation takes away.
    if (this.gateway) this.gateway.disconnectRevokedDevice(deviceId);
    else this.replicas?.publish(DEVICE_REVOKED, JSON.stringify({ deviceId }));
    return device;
  }

  private announce(event: string, payload: unknown): void {
    if (this.gateway) this.gateway.publish(event, payload);
    else this.replicas?.publish(event, JSON.stringify(payload));
  }
}

function noRequest(requestId: string): DomainError {
  return new DomainError(ErrorCode.NOT_FOUND, `no pending device pairing request ${requestId} (see switchboard devices list)`);
}
