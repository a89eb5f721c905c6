import { randomUUID } from 'node:crypto';
import { DeviceAuthState, DeviceStore, NewPairingRequest, PairedDevice, PairingRequest } from '../../ws/ports/device-store.port';
import { OperatorScope } from '../../ws/protocol/scopes';

/** DeviceStore in memory, for tests. Token hashes are readable to assert that no token is stored. */
export class InMemoryDeviceStore implements DeviceStore {
  readonly devices = new Map<string, PairedDevice>();
  readonly requests = new Map<string, PairingRequest>();
  readonly tokenHashes = new Map<string, string>();

  async findAuthState(deviceId: string): Promise<DeviceAuthState> {
    const paired = this.devices.get(deviceId) ?? null;
    return { paired, tokenSha256Hex: paired ? (this.tokenHashes.get(deviceId) ?? null) : null };
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

  async revoke(deviceId: string): Promise<PairedDevice | null> {
    const device = this.devices.get(deviceId) ?? null;
    if (!device) return null;
    this.devices.delete(deviceId);
    this.tokenHashes.delete(deviceId);
    for (const [requestId, request] of this.requests) if (request.deviceId === deviceId) this.requests.delete(requestId);
    return device;
  }

  async issueTokenHash(deviceId: string, tokenSha256Hex: string): Promise<boolean> {
    if (!this.devices.has(deviceId) || this.tokenHashes.has(deviceId)) return false;
    this.tokenHashes.set(deviceId, tokenSha256Hex);
    return true;
  }

  // Nothing is cached: every read sees the maps.
  forget(): void {}
}
