import { Injectable, Logger } from '@nestjs/common';
import { DevicePairingRequestRecord, DeviceRepository, PairedDeviceRecord } from '@switchboard/persistence';
import { DeviceStore, NewPairingRequest, PairedDevice, PairingRequest } from '../../ws/ports/device-store.port';
import { OperatorScope, ROLES, Role, isOperatorScope } from '../../ws/protocol/scopes';

/**
 * The DeviceStore on the database. A device has one open pairing request at most, so a request's
 * id is its device id.
 */
@Injectable()
export class DatabaseDeviceStore implements DeviceStore {
  private readonly logger = new Logger('ControlPlane');

  constructor(private readonly devices: DeviceRepository) {}

  async findDevice(deviceId: string): Promise<PairedDevice | null> {
    const device = await this.devices.findPaired(deviceId);
    return device ? toPairedDevice(device) : null;
  }

  async listDevices(): Promise<PairedDevice[]> {
    return (await this.devices.listPaired()).map(toPairedDevice);
  }

  async requestPairing(request: NewPairingRequest): Promise<{ request: PairingRequest; created: boolean }> {
    const { request: stored, created } = await this.devices.requestPairing({ ...request, at: new Date() });
    // Without a console, the log is where an operator learns what to approve.
    if (created) {
      this.logger.log(`device ${stored.deviceId} (${stored.clientId}) from ${request.remoteIp} asks to pair as ${stored.role}: switchboard devices approve ${stored.deviceId}`);
    }
    return { request: toPairingRequest(stored), created };
  }

  async findPairingRequest(requestId: string): Promise<PairingRequest | null> {
    const request = await this.devices.findPendingRequest(requestId);
    return request ? toPairingRequest(request) : null;
  }

  async listPairingRequests(): Promise<PairingRequest[]> {
    return (await this.devices.listPendingRequests()).map(toPairingRequest);
  }

  /** `resolvedBy` records who decided (the CLI passes "cli"). */
  async approve(requestId: string, scopes: OperatorScope[], atMs: number, resolvedBy = 'control-plane'): Promise<PairedDevice | null> {
    const device = await this.devices.approve(requestId, scopes, new Date(atMs), resolvedBy);
    return device ? toPairedDevice(device) : null;
  }

  async reject(requestId: string, resolvedBy = 'control-plane'): Promise<PairingRequest | null> {
    const request = await this.devices.reject(requestId, new Date(), resolvedBy);
    return request ? toPairingRequest(request) : null;
  }

  setTokenHash(deviceId: string, tokenSha256Hex: string): Promise<void> {
    return this.devices.setTokenHash(deviceId, tokenSha256Hex);
  }

  verifyTokenHash(deviceId: string, tokenSha256Hex: string): Promise<boolean> {
    return this.devices.verifyTokenHash(deviceId, tokenSha256Hex);
  }
}

function toPairedDevice(device: PairedDeviceRecord): PairedDevice {
  return {
    deviceId: device.id,
    publicKey: device.publicKey,
    clientId: device.clientId,
    clientMode: device.clientMode,
    ...(device.displayName !== null ? { displayName: device.displayName } : {}),
    ...(device.platform !== null ? { platform: device.platform } : {}),
    roles: device.roles.filter(isRole),
    scopes: device.scopes.filter(isOperatorScope),
    createdAtMs: device.createdAt.getTime(),
    approvedAtMs: device.approvedAt.getTime(),
  };
}

function toPairingRequest(request: DevicePairingRequestRecord): PairingRequest {
  return {
    requestId: request.deviceId,
    deviceId: request.deviceId,
    publicKey: request.publicKey,
    clientId: request.clientId,
    clientMode: request.clientMode,
    ...(request.displayName !== null ? { displayName: request.displayName } : {}),
    ...(request.platform !== null ? { platform: request.platform } : {}),
    // Written from a connect the protocol schema validated.
    role: request.role as Role,
    scopes: request.scopes,
    remoteIp: request.remoteIp ?? '',
    createdAtMs: request.requestedAt.getTime(),
  };
}

function isRole(role: string): role is Role {
  return (ROLES as readonly string[]).includes(role);
}
