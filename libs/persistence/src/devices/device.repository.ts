import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { Device as DeviceRow } from '../generated/prisma/client';

/** A device an operator (or loopback auto-pairing) approved for at least one role. */
export interface PairedDeviceRecord {
  id: string;
  publicKey: string;
  clientId: string;
  clientMode: string;
  displayName: string | null;
  platform: string | null;
  roles: string[];
  scopes: string[];
  createdAt: Date;
  approvedAt: Date;
}

/** The open pairing request of a device; its id is the device id. */
export interface DevicePairingRequestRecord {
  deviceId: string;
  publicKey: string;
  clientId: string;
  clientMode: string;
  displayName: string | null;
  platform: string | null;
  role: string;
  scopes: string[];
  remoteIp: string | null;
  requestedAt: Date;
}

/** A device as a connect sees it; `tokenHash` is null when no token was issued since it was paired. */
export interface DeviceAuthStateRecord {
  paired: PairedDeviceRecord | null;
  tokenHash: string | null;
}

export interface NewDevicePairingRequest {
  deviceId: string;
  publicKey: string;
  clientId: string;
  clientMode: string;
  displayName?: string;
  platform?: string;
  role: string;
  scopes: string[];
  remoteIp: string;
  at: Date;
}

/** Which requests count as open, and the bounds on how many may be. */
export interface PairingRequestWindow {
  /** Requests made at or before this time have expired. */
  openSince: Date;
  /** Unset: the request opens whatever else is open (a device paired at once). */
  caps?: { perIp: number; total: number };
}

export type DevicePairingOutcome =
  | { request: DevicePairingRequestRecord; created: boolean }
  | { refused: 'per_ip' | 'total'; oldestRequestedAt: Date };

// Serializes the opening of pairing requests (pg_advisory_xact_lock); any constant no other lock uses.
const DEVICE_PAIRING_LOCK_KEY = '5311248127466730020';

/**
 * Control-plane devices and their pairing requests, one row per device. Writes are conditional
 * updates, so two connects of one device, or two operators deciding at once, cannot both win.
 */
@Injectable()
export class DeviceRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** The device when it is paired for some role, whatever request it has open. */
  async findPaired(deviceId: string): Promise<PairedDeviceRecord | null> {
    const row = await this.db.prisma.device.findUnique({ where: { id: deviceId } });
    return row && row.roles.length > 0 ? toPaired(row) : null;
  }

  /** What a connect checks, in one read: the pairing (null when not paired) and the token hash. */
  async findAuthState(deviceId: string): Promise<DeviceAuthStateRecord> {
    const row = await this.db.prisma.device.findUnique({ where: { id: deviceId } });
    if (!row || row.roles.length === 0) return { paired: null, tokenHash: null };
    return { paired: toPaired(row), tokenHash: row.tokenHash };
  }

  async listPaired(): Promise<PairedDeviceRecord[]> {
    const rows = await this.db.prisma.device.findMany({ where: { roles: { isEmpty: false } }, orderBy: { createdAt: 'asc' } });
    return rows.map(toPaired);
  }

  /**
   * Opens a request, or returns the open one for the same role with `created: false`. A request
   * for another role replaces the open one (a device has one open request at most). A request is
   * open until it is decided or `window.openSince` passes its time. With `window.caps`, no request
   * opens while as many are open from its address (`per_ip`) or in all (`total`); `retryAt` is
   * when the oldest of those closes. Expired requests of devices never paired are deleted here.
   */
  async requestPairing(input: NewDevicePairingRequest, window: PairingRequestWindow): Promise<DevicePairingOutcome> {
    return this.db.prisma.$transaction(async (tx) => {
      // One request opens at a time (across replicas too), so the counts below stay true until it is written.
      await tx.$executeRaw`SELECT pg_advisory_xact_lock(${DEVICE_PAIRING_LOCK_KEY}::bigint)`;
      const open = { status: 'pending' as const, requestedAt: { gt: window.openSince } };
      await tx.device.deleteMany({ where: { status: 'pending', roles: { isEmpty: true }, requestedAt: { lte: window.openSince } } });
      const existing = await tx.device.findUnique({ where: { id: input.deviceId } });
      if (existing && isOpen(existing, window.openSince) && existing.role === input.role) return { request: toRequest(existing), created: false };
      if (window.caps) {
        const bounds = [
          { refused: 'per_ip' as const, where: { ...open, remoteIp: input.remoteIp }, max: window.caps.perIp },
          { refused: 'total' as const, where: open, max: window.caps.total },
        ];
        for (const { refused, where, max } of bounds) {
          if ((await tx.device.count({ where })) < max) continue;
          const oldest = await tx.device.findFirstOrThrow({ where, orderBy: { requestedAt: 'asc' } });
          return { refused, oldestRequestedAt: oldest.requestedAt as Date };
        }
      }
      const request = {
        publicKey: input.publicKey,
        clientId: input.clientId,
        clientMode: input.clientMode,
        displayName: input.displayName ?? null,
        platform: input.platform ?? null,
        role: input.role,
        requestedScopes: input.scopes,
        remoteIp: input.remoteIp,
        requestedAt: input.at,
        status: 'pending' as const,
      };
      const row = existing
        ? await tx.device.update({ where: { id: input.deviceId }, data: request })
        : await tx.device.create({ data: { id: input.deviceId, ...request, createdAt: input.at } });
      return { request: toRequest(row), created: true };
    });
  }

  /** The device's request if it is open (requested after `openSince`). */
  async findPendingRequest(deviceId: string, openSince: Date): Promise<DevicePairingRequestRecord | null> {
    const row = await this.db.prisma.device.findUnique({ where: { id: deviceId } });
    return row && isOpen(row, openSince) ? toRequest(row) : null;
  }

  async listPendingRequests(openSince: Date): Promise<DevicePairingRequestRecord[]> {
    const rows = await this.db.prisma.device.findMany({
      where: { status: 'pending', requestedAt: { gt: openSince } },
      orderBy: { requestedAt: 'asc' },
    });
    return rows.map(toRequest);
  }

  /** Pairs the device for the requested role with exactly `scopes`; null when no request is open. */
  async approve(deviceId: string, scopes: string[], at: Date, resolvedBy: string, openSince: Date): Promise<PairedDeviceRecord | null> {
    const row = await this.db.prisma.device.findUnique({ where: { id: deviceId } });
    if (!row || !isOpen(row, openSince)) return null;
    const { count } = await this.db.prisma.device.updateMany({
      // Only the request that was read: not one that replaced it meanwhile.
      where: { id: deviceId, status: 'pending', role: row.role, requestedAt: row.requestedAt },
      data: { status: 'approved', roles: [...new Set([...row.roles, row.role])], scopes, resolvedAt: at, resolvedBy },
    });
    return count === 1 ? this.findPaired(deviceId) : null;
  }

  /** Closes the open request; a device paired for another role stays paired. Null when none is open. */
  async reject(deviceId: string, at: Date, resolvedBy: string, openSince: Date): Promise<DevicePairingRequestRecord | null> {
    const row = await this.db.prisma.device.findUnique({ where: { id: deviceId } });
    if (!row || !isOpen(row, openSince)) return null;
    const { count } = await this.db.prisma.device.updateMany({
      where: { id: deviceId, status: 'pending', role: row.role, requestedAt: row.requestedAt },
      data: row.roles.length > 0 ? { status: 'approved' } : { status: 'rejected', resolvedAt: at, resolvedBy },
    });
    return count === 1 ? toRequest(row) : null;
  }

  /**
   * Unpairs the device: it loses its roles, scopes and token, and an open request is closed. Null
   * when it was not paired.
   */
  async revoke(deviceId: string, at: Date, resolvedBy: string): Promise<PairedDeviceRecord | null> {
    const row = await this.db.prisma.device.findUnique({ where: { id: deviceId } });
    if (!row || row.roles.length === 0) return null;
    const { count } = await this.db.prisma.device.updateMany({
      where: { id: deviceId, roles: { isEmpty: false } },
      data: { status: 'rejected', roles: [], scopes: [], tokenHash: null, resolvedAt: at, resolvedBy },
    });
    return count === 1 ? toPaired(row) : null;
  }

  /**
   * Stores the hash of the device's token when it has none; false when it has one already (a
   * concurrent connect issued it) or is no longer paired, so that a token once handed out stays
   * the only one until the device is revoked.
   */
  async issueTokenHash(deviceId: string, tokenHash: string): Promise<boolean> {
    const { count } = await this.db.prisma.device.updateMany({
      where: { id: deviceId, tokenHash: null, roles: { isEmpty: false } },
      data: { tokenHash },
    });
    return count === 1;
  }
}

function isOpen(row: DeviceRow, openSince: Date): boolean {
  return row.status === 'pending' && row.requestedAt !== null && row.requestedAt > openSince;
}

function toPaired(row: DeviceRow): PairedDeviceRecord {
  return {
    id: row.id,
    publicKey: row.publicKey,
    clientId: row.clientId,
    clientMode: row.clientMode,
    displayName: row.displayName,
    platform: row.platform,
    roles: row.roles,
    scopes: row.scopes,
    createdAt: row.createdAt,
    approvedAt: row.resolvedAt ?? row.createdAt,
  };
}

function toRequest(row: DeviceRow): DevicePairingRequestRecord {
  return {
    deviceId: row.id,
    publicKey: row.publicKey,
    clientId: row.clientId,
    clientMode: row.clientMode,
    displayName: row.displayName,
    platform: row.platform,
    role: row.role,
    scopes: row.requestedScopes,
    remoteIp: row.remoteIp,
    requestedAt: row.requestedAt ?? row.createdAt,
  };
}
