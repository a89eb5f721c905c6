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

const MINUTE = 60_000;

/**
 * Bounds on pairing requests, so that fresh keys cannot fill the store (any client can make as
 * many as it likes): a request expires unanswered after `requestTtlMs`; no new one opens while
 * `maxOpenPerIp` are open from its address or `maxOpenTotal` in all.
 */
export const DEVICE_PAIRING_LIMITS = {
  requestTtlMs: 60 * MINUTE,
  maxOpenPerIp: 3,
  maxOpenTotal: 20,
} as const;

/** Why no request was opened; `retryAfterMs`: until the oldest request in the way expires. */
export interface PairingRefused {
  refused: 'per_ip' | 'total';
  retryAfterMs: number;
}

export type PairingRequestOutcome = { request: PairingRequest; created: boolean } | PairingRefused;

/** What a connect checks about a device, in one lookup. */
export interface DeviceAuthState {
  /** Null when the device is not paired for any role. */
  paired: PairedDevice | null;
  /** Hex SHA-256 of the device's token; null until the first connect after pairing issues one. */
  tokenSha256Hex: string | null;
}

/**
 * Persistence of device identities, pairing requests and device tokens. Tokens are never stored:
 * the control plane hands over the hex SHA-256 of each token it issues.
 */
export interface DeviceStore {
  /** Runs on every connect with a device identity: implementations should make it cheap. */
  findAuthState(deviceId: string): Promise<DeviceAuthState>;
  listDevices(): Promise<PairedDevice[]>;
  /**
   * Opens a pairing request, or returns the device's open one with `created: false`; refuses
   * within DEVICE_PAIRING_LIMITS. `unbounded`: for a device paired at once, which never waits.
   */
  requestPairing(request: NewPairingRequest, options?: { unbounded?: boolean }): Promise<PairingRequestOutcome>;
  /** An open (not expired) request. */
  findPairingRequest(requestId: string): Promise<PairingRequest | null>;
  /** The open (not expired) requests, oldest first. */
  listPairingRequests(): Promise<PairingRequest[]>;
  /**
   * Approves a pending request: the device is paired (or gains the request's role) with exactly
   * `scopes`, and the request is removed. Null when no such request is pending. `resolvedBy`
   * (here and below): who decided, for the record; the control plane when not given.
   */
  approve(requestId: string, scopes: OperatorScope[], atMs: number, resolvedBy?: string): Promise<PairedDevice | null>;
  /** Removes an open request; null when none is open under that id. */
  reject(requestId: string, resolvedBy?: string): Promise<PairingRequest | null>;
  /** Unpairs a device and drops its token (and any open request); null when it was not paired. */
  revoke(deviceId: string, atMs: number, resolvedBy?: string): Promise<PairedDevice | null>;
  /**
   * Stores the hash of a paired device's token unless it has one; false when it has (a concurrent
   * connect issued it first) or is not paired. A token stays valid until the device is revoked.
   */
  issueTokenHash(deviceId: string, tokenSha256Hex: string): Promise<boolean>;
  /** Drops what this process remembers of a device that another replica changed (revoked). */
  forget(deviceId: string): void;
}
