import { OperatorScope, Role } from '../protocol/scopes';

/** Injection token of the device store. */
export const DEVICE_STORE = Symbol('CONTROL_PLANE_DEVICE_STORE');

/** A device an operator (or loopback auto-pairing) has approved. */
export interface PairedDevice {
  /** Hex SHA-256 of the raw Ed25519 public key. */
  deviceId: string;
  /** Raw Ed25519 public key, base64url. */
  publicKey: string;
  clientId: string;
  clientMode: string;
  displayName?: string;
  platform?: string;
  /** Roles the device may connect as. */
  roles: Role[];
  /** Operator scopes its device token grants at most. */
  scopes: OperatorScope[];
  createdAtMs: number;
  approvedAtMs: number;
}

/** A device waiting for an operator's decision. */
export interface PairingRequest {
  requestId: string;
  deviceId: string;
  publicKey: string;
  clientId: string;
  clientMode: string;
  displayName?: string;
  platform?: string;
  role: Role;
  /** Scopes the device asked for; approval caps them at the approver's own. */
  scopes: string[];
  remoteIp: string;
  createdAtMs: number;
}

export type NewPairingRequest = Omit<PairingRequest, 'requestId' | 'createdAtMs'>;

/**
 * Persistence of device identities, pairing requests and device tokens. Tokens are never stored:
 * the control plane hands over the hex SHA-256 of each token it issues and of each it checks.
 */
export interface DeviceStore {
  findDevice(deviceId: string): Promise<PairedDevice | null>;
  listDevices(): Promise<PairedDevice[]>;
  /** Opens a pairing request, or returns the device's pending one with `created: false`. */
  requestPairing(request: NewPairingRequest): Promise<{ request: PairingRequest; created: boolean }>;
  findPairingRequest(requestId: string): Promise<PairingRequest | null>;
  listPairingRequests(): Promise<PairingRequest[]>;
  /**
   * Approves a pending request: the device is paired (or gains the request's role) with exactly
   * `scopes`, and the request is removed. Null when no such request is pending.
   */
  approve(requestId: string, scopes: OperatorScope[], atMs: number): Promise<PairedDevice | null>;
  /** Removes a pending request; null when none is pending under that id. */
  reject(requestId: string): Promise<PairingRequest | null>;
  /** Replaces the device's token hash (a new token invalidates the previous one). */
  setTokenHash(deviceId: string, tokenSha256Hex: string): Promise<void>;
  /** Whether `tokenSha256Hex` is the hash of the device's current token. */
  verifyTokenHash(deviceId: string, tokenSha256Hex: string): Promise<boolean>;
}
