import { Injectable } from '@nestjs/common';
import { DevicePairingRequestRecord, DeviceRepository, PairedDeviceRecord } from '@switchboard/persistence';
import { systemClock } from '../../ws/ports/clock.port';
import { DEVICE_PAIRING_LIMITS, DeviceAuthState, DeviceStore, NewPairingRequest, PairedDevice, PairingRequest, PairingRequestOutcome } from '../../ws/ports/device-store.port';
import { OperatorScope, ROLES, Role, isOperatorScope } from '../../ws/protocol/scopes';
import { PairedDeviceCache } from './paired-device.cache';

// Short, because replicas sharing the database learn of each other's revocations only this late.
const PAIRED_DEVICE_TTL_MS = 10_000;
const PAIRED_DEVICE_MAX_ENTRIES = 10_000;

/**
 * The DeviceStore on the database. A device has one open pairing request at most, so a request's
 * id is its device id. Paired devices are cached for connects; every write here refreshes its
 * device's entry, so the gateway (and the CLI through its local API) sees its own changes at once.
 */
@Injectable()
export class DatabaseDeviceStore implements DeviceStore {
  private readonly cache = new PairedDeviceCache({ ttlMs: PAIRED_DEVICE_TTL_MS, maxEntries: PAIRED_DEVICE_MAX_ENTRIES }, systemClock);

  constructor(private readonly devices: DeviceRepository) {}

  findAuthState(deviceId: string): Promise<DeviceAuthState> {
    return this.cache.get(deviceId, async (id) => {
      const { paired, tokenHash } = await this.devices.findAuthState(id);
      return { paired: paired ? toPairedDevice(paired) : null, tokenSha256Hex: tokenHash };
    });
  }

  async listDevices(): Promise<PairedDevice[]> {
    return (await this.devices.listPaired()).map(toPairedDevice);
  }

  async requestPairing(request: NewPairingRequest, options: { unbounded?: boolean } = {}): Promise<PairingRequestOutcome> {
    const at = new Date();
    const { maxOpenPerIp, maxOpenTotal } = DEVICE_PAIRING_LIMITS;
    const window = { openSince: openSince(at.getTime()), ...(options.unbounded ? {} : { caps: { perIp: maxOpenPerIp, total: maxOpenTotal } }) };
    const outcome = await this.changing(request.deviceId, () => this.devices.requestPairing({ ...request, at }, window));
    if ('refused' in outcome) {
      const expiresAt = outcome.oldestRequestedAt.getTime() + DEVICE_PAIRING_LIMITS.requestTtlMs;
      return { refused: outcome.refused, retryAfterMs: Math.max(0, expiresAt - at.getTime()) };
    }
    return { request: toPairingRequest(outcome.request), created: outcome.created };
  }

  async findPairingRequest(requestId: string): Promise<PairingRequest | null> {
    const request = await this.devices.findPendingRequest(requestId, openSince(Date.now()));
    return request ? toPairingRequest(request) : null;
  }

  async listPairingRequests(): Promise<PairingRequest[]> {
    return (await this.devices.listPendingRequests(openSince(Date.now()))).map(toPairingRequest);
  }

  /** `resolvedBy` records who decided (the CLI passes "cli"). */
  async approve(requestId: string, scopes: OperatorScope[], atMs: number, resolvedBy = 'control-plane'): Promise<PairedDevice | null> {
    const device = await this.changing(requestId, () => this.devices.approve(requestId, scopes, new Date(atMs), resolvedBy, openSince(atMs)));
    return device ? toPairedDevice(device) : null;
  }

  async reject(requestId: string, resolvedBy = 'control-plane'): Promise<PairingRequest | null> {
    const at = new Date();
    const request = await this.changing(requestId, () => this.devices.reject(requestId, at, resolvedBy, openSince(at.getTime())));
    return request ? toPairingRequest(request) : null;
  }

  async revoke(deviceId: string, atMs: number, resolvedBy = 'control-plane'): Promise<PairedDevice | null> {
    const device = await this.changing(deviceId, () => this.devices.revoke(deviceId, new Date(atMs), resolvedBy));
    return device ? toPairedDevice(device) : null;
  }

  issueTokenHash(deviceId: string, tokenSha256Hex: string): Promise<boolean> {
    return this.changing(deviceId, () => this.devices.issueTokenHash(deviceId, tokenSha256Hex));
  }

  /** Drops what this replica remembers of a device that another replica changed (revoked). */
  forget(deviceId: string): void {
    this.cache.invalidate(deviceId);
  }

  // Dropped after the write, so that a read racing it is not kept (see PairedDeviceCache.get).
  private async changing<T>(deviceId: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } finally {
      this.cache.invalidate(deviceId);
    }
  }
}

/** Requests made at or before this time have expired. */
function openSince(nowMs: number): Date {
  return new Date(nowMs - DEVICE_PAIRING_LIMITS.requestTtlMs);
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
