import { randomUUID } from 'node:crypto';
import { secretsEqual } from '../../ws/auth/device-token';
import { DeviceStore, NewPairingRequest, PairedDevice, PairingRequest } from '../../ws/ports/device-store.port';
import { OperatorScope } from '../../ws/protocol/scopes';

/** DeviceStore in memory, for tests. Token hashes are readable to assert that no token is stored. */
export class InMemoryDeviceStore implements DeviceStore {
  readonly devices = new Map<string, PairedDevice>();
  readonly requests = new Map<string, PairingRequest>();
  readonly tokenHashes = new Map<string, string>();

  async findDevice(deviceId: string): Promise<PairedDevice | null> {
    return this.devices.get(deviceId) ?? null;
  }

  async listDevices(): Promise<PairedDevice[]> {
    return [...this.devices.values()];
  }

  async requestPairing(input: NewPairingRequest): Promise<{ request: PairingRequest; created: boolean }> {
    const pending = [...this.requests.values()].find((request) => request.deviceId === input.deviceId && request.role === input.role);
    if (pending) return { request: pending, created: false };
    const request = { ...input, requestId: randomUUID(), createdAtMs: Date.now() };
    this.requests.set(request.requestId, request);
    return { request, created: true };
  }

  async findPairingRequest(requestId: string): Promise<PairingRequest | null> {
    return this.requests.get(requestId) ?? null;
  }

  async listPairingRequests(): Promise<PairingRequest[]> {
    return [...this.requests.values()];
  }

  async approve(requestId: string, scopes: OperatorScope[], atMs: number): Promise<PairedDevice | null> {
    const request = this.requests.get(requestId);
    if (!request) return null;
    this.requests.delete(requestId);
    const existing = this.devices.get(request.deviceId);
    const device: PairedDevice = {
      deviceId: request.deviceId,
      publicKey: request.publicKey,
      clientId: request.clientId,
      clientMode: request.clientMode,
      ...(request.displayName !== undefined ? { displayName: request.displayName } : {}),
      ...(request.platform !== undefined ? { platform: request.platform } : {}),
      roles: [...new Set([...(existing?.roles ?? []), request.role])],
      scopes,
      createdAtMs: existing?.createdAtMs ?? atMs,
      approvedAtMs: atMs,
    };
    this.devices.set(device.deviceId, device);
    return device;
  }

  async reject(requestId: string): Promise<PairingRequest | null> {
    const request = this.requests.get(requestId) ?? null;
    this.requests.delete(requestId);
    return request;
  }

  async setTokenHash(deviceId: string, tokenSha256Hex: string): Promise<void> {
    this.tokenHashes.set(deviceId, tokenSha256Hex);
  }

  async verifyTokenHash(deviceId: string, tokenSha256Hex: string): Promise<boolean> {
    const stored = this.tokenHashes.get(deviceId);
    return stored !== undefined && secretsEqual(tokenSha256Hex, stored);
  }
}
