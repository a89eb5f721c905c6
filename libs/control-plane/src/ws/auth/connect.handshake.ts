import { ConnectDevice, ConnectParams } from '../protocol/connect.schema';
import { CloseCodes, closeReason } from '../protocol/close-codes';
import { DetailCode, DetailCodes, ErrorCodeName, ErrorCodes, ErrorShape, errorShape } from '../protocol/protocol-error';
import { OPERATOR_SCOPES, OperatorScope, Role, grantScopes } from '../protocol/scopes';
import { Clock } from '../ports/clock.port';
import { DeviceAuthState, DeviceStore, PairedDevice, PairingRefused, PairingRequest } from '../ports/device-store.port';
import { GatewayCredentials } from '../ports/gateway-credentials.port';
import { verifyDeviceSignature } from './device-signature';
import { DeviceKeys } from './device-keys';
import { RandomBytes, hashDeviceToken, issueDeviceToken, secretsEqual } from './device-token';

export type AuthMethod = 'token' | 'password' | 'device-token' | 'device-signature';

export interface HandshakeRequest {
  params: ConnectParams;
  /** The nonce of the `connect.challenge` this connection was sent. */
  nonce: string;
  remoteIp: string;
  /** The client reached us over loopback with no proxy in between. */
  isLoopback: boolean;
}

export interface HandshakeSettings {
  protocols: { min: number; max: number };
  /** How far `device.signedAt` may be from server time. */
  signatureMaxSkewMs: number;
  /** Pair new devices connecting over loopback without an operator. */
  autoPairLoopback: boolean;
  /** A device presenting no secret is admitted by its signature once paired (see ControlPlaneOptions). */
  deviceSignatureAuth?: boolean;
}

export interface HandshakeDeps {
  credentials: GatewayCredentials;
  devices: DeviceStore;
  clock: Clock;
  random: RandomBytes;
  /** A new pairing request was opened (the server tells operators holding operator.pairing). */
  onPairingRequested(request: PairingRequest): void;
  /** A new device was paired without an operator: it connected over loopback with the shared secret. */
  onAutoPaired(device: PairedDevice): void;
}

export interface HandshakeAccepted {
  ok: true;
  protocol: number;
  role: Role;
  scopes: OperatorScope[];
  authMethod: AuthMethod;
  deviceId?: string;
  /** The device's token, issued on its first connect after pairing and sent that once in hello-ok. */
  deviceToken?: string;
}

export interface HandshakeRejected {
  ok: false;
  error: ErrorShape;
  closeCode: number;
  closeReason: string;
  /** A wrong secret was presented: the server slows the source down. */
  badSecret: boolean;
}

export type HandshakeOutcome = HandshakeAccepted | HandshakeRejected;

/** The highest version both sides speak, or null when the ranges do not overlap. */
export function negotiateProtocol(clientMin: number, clientMax: number, server: { min: number; max: number }): number | null {
  const high = Math.min(clientMax, server.max);
  return high >= Math.max(clientMin, server.min) ? high : null;
}

// Devices whose imported keys are kept; one forgotten costs an import and maybe a verification.
const REMEMBERED_DEVICE_KEYS = 10_000;

/** Decides one `connect`: protocol, device identity, credential, pairing and granted scopes. */
export class ConnectHandshake {
  private readonly deviceKeys = new DeviceKeys(REMEMBERED_DEVICE_KEYS);

  constructor(
    private readonly deps: HandshakeDeps,
    private readonly settings: HandshakeSettings,
  ) {}

  async run(request: HandshakeRequest): Promise<HandshakeOutcome> {
    const { params } = request;
    const { min, max } = this.settings.protocols;
    const protocol = negotiateProtocol(params.minProtocol, params.maxProtocol, this.settings.protocols);
    if (protocol === null) {
      return rejected(ErrorCodes.INVALID_REQUEST, DetailCodes.PROTOCOL_MISMATCH, `protocol mismatch: server speaks ${min}-${max}`, {
        closeCode: CloseCodes.PROTOCOL_ERROR,
        details: { minProtocol: min, maxProtocol: max },
      });
    }
    const role = params.role ?? 'operator';
    const auth = params.auth ?? {};
    const device = params.device;
    if (!device && (role === 'node' || auth.deviceToken !== undefined)) {
      return rejected(ErrorCodes.INVALID_REQUEST, DetailCodes.DEVICE_IDENTITY_REQUIRED, 'device identity required');
    }
    if (device) {
      const failure = this.checkDevice(params, device, request.nonce);
      if (failure) return failure;
    }

    const state = device ? await this.deps.devices.findAuthState(device.id) : null;
    const method = await this.authenticate(auth, state);
    if (typeof method !== 'string') return method;
    if (!device || !state) return this.acceptWithoutDevice(request, protocol, role, method);
    if (method === 'device-token' || method === 'device-signature') return this.acceptPairedDevice(request, protocol, role, method, state);
    return this.acceptSharedSecretDevice(request, protocol, role, method, state);
  }

  private checkDevice(params: ConnectParams, device: ConnectDevice, nonce: string): HandshakeRejected | null {
    const invalid = (detail: DetailCode, message: string) => rejected(ErrorCodes.INVALID_REQUEST, detail, message);
    const publicKey = this.deviceKeys.find(device.publicKey);
    if (!publicKey) return invalid(DetailCodes.DEVICE_AUTH_PUBLIC_KEY_INVALID, 'device public key must be a raw Ed25519 key in base64url');
    if (publicKey.deviceId !== device.id) {
      return invalid(DetailCodes.DEVICE_AUTH_DEVICE_ID_MISMATCH, 'device id is not the SHA-256 of its public key');
    }
    if (device.nonce !== nonce) return invalid(DetailCodes.DEVICE_AUTH_NONCE_MISMATCH, 'device nonce does not match the challenge');
    if (Math.abs(this.deps.clock.now() - device.signedAt) > this.settings.signatureMaxSkewMs) {
      return invalid(DetailCodes.DEVICE_AUTH_SIGNATURE_EXPIRED, 'device signature expired: signedAt is too far from server time');
    }
    const auth = params.auth ?? {};
    const version = verifyDeviceSignature(publicKey.key, device.signature, {
      deviceId: device.id,
      clientId: params.client.id,
      clientMode: params.client.mode,
      role: params.role ?? 'operator',
      scopes: params.scopes ?? [],
      signedAtMs: device.signedAt,
      token: auth.token ?? auth.deviceToken ?? '',
      nonce: device.nonce,
      platform: params.client.platform,
      deviceFamily: params.client.deviceFamily,
    }, publicKey.signs);
    if (!version) return invalid(DetailCodes.DEVICE_AUTH_SIGNATURE_INVALID, 'device signature invalid');
    this.deviceKeys.verified(device.publicKey, publicKey, version);
    return null;
  }

  private async authenticate(auth: NonNullable<ConnectParams['auth']>, state: DeviceAuthState | null): Promise<AuthMethod | HandshakeRejected> {
    const mismatch = (detail: DetailCode, message: string) =>
      rejected(ErrorCodes.INVALID_REQUEST, detail, message, { badSecret: true });
    if (auth.deviceToken !== undefined) {
      return isDeviceToken(state, auth.deviceToken) ? 'device-token' : mismatch(DetailCodes.AUTH_TOKEN_MISMATCH, 'unauthorized: device token mismatch');
    }
    if (auth.token !== undefined) {
      if (await this.deps.credentials.verifyToken(auth.token)) return 'token';
      // Clients such as openclaw-node send a paired device's token in `auth.token`.
      if (isDeviceToken(state, auth.token)) return 'device-token';
      return mismatch(DetailCodes.AUTH_TOKEN_MISMATCH, 'unauthorized: gateway token mismatch');
    }
    if (auth.password !== undefined) {
      if (await this.deps.credentials.verifyPassword(auth.password)) return 'password';
      return mismatch(DetailCodes.AUTH_PASSWORD_MISMATCH, 'unauthorized: password mismatch');
    }
    // The signature was checked before: it proves the key; pairing decides whether the key may in.
    if (state && this.settings.deviceSignatureAuth) return 'device-signature';
    return rejected(ErrorCodes.INVALID_REQUEST, DetailCodes.AUTH_TOKEN_MISSING, 'unauthorized: gateway token missing');
  }

  private acceptWithoutDevice(request: HandshakeRequest, protocol: number, role: Role, method: AuthMethod): HandshakeAccepted {
    return accepted(protocol, role, grantScopes(role, request.params.scopes ?? [], OPERATOR_SCOPES), method);
  }

  /**
   * A device token, or (deviceSignatureAuth) a device with no secret: an operator must have paired
   * it, and it gets what it was approved for. Loopback is not paired automatically here, since
   * without a shared secret any local user could become an operator.
   */
  private async acceptPairedDevice(request: HandshakeRequest, protocol: number, role: Role, method: AuthMethod, state: DeviceAuthState): Promise<HandshakeOutcome> {
    const { paired } = state;
    if (!paired || !paired.roles.includes(role)) return this.requirePairing(request, role);
    const scopes = grantScopes(role, request.params.scopes ?? [], paired.scopes);
    const deviceToken = await this.issueFirstToken(paired.deviceId, state);
    return withToken(accepted(protocol, role, scopes, method, paired.deviceId), deviceToken);
  }

  /**
   * The gateway token or password with a device identity: a new device is paired on loopback
   * (when allowed) or must wait for an operator.
   */
  private async acceptSharedSecretDevice(request: HandshakeRequest, protocol: number, role: Role, method: AuthMethod, state: DeviceAuthState): Promise<HandshakeOutcome> {
    const { params } = request;
    const device = params.device as ConnectDevice;
    const scopes = grantScopes(role, params.scopes ?? [], OPERATOR_SCOPES);
    if (!state.paired || !state.paired.roles.includes(role)) {
      if (!(request.isLoopback && this.settings.autoPairLoopback)) return this.requirePairing(request, role);
      // Unbounded: paired at once, it never joins the requests waiting for an operator.
      const opened = await this.deps.devices.requestPairing(newRequest(request, role), { unbounded: true });
      if ('refused' in opened) return pairingRefused(opened);
      const paired = await this.deps.devices.approve(opened.request.requestId, scopes, this.deps.clock.now());
      if (paired) this.deps.onAutoPaired(paired);
    }
    const deviceToken = await this.issueFirstToken(device.id, state);
    return withToken(accepted(protocol, role, scopes, method, device.id), deviceToken);
  }

  /**
   * A paired device gets a token on its first connect, sent once in hello-ok; it keeps working
   * until the device is revoked, so later connects write nothing.
   */
  private async issueFirstToken(deviceId: string, state: DeviceAuthState): Promise<string | undefined> {
    if (state.tokenSha256Hex !== null) return undefined;
    const token = issueDeviceToken(this.deps.random);
    // False when a concurrent connect of the same device issued one first: that one stands.
    return (await this.deps.devices.issueTokenHash(deviceId, hashDeviceToken(token))) ? token : undefined;
  }

  private async requirePairing(request: HandshakeRequest, role: Role): Promise<HandshakeRejected> {
    const opened = await this.deps.devices.requestPairing(newRequest(request, role));
    if ('refused' in opened) return pairingRefused(opened);
    const { request: pending, created } = opened;
    if (created) this.deps.onPairingRequested(pending);
    return rejected(ErrorCodes.NOT_PAIRED, DetailCodes.PAIRING_REQUIRED, 'pairing required', {
      details: { requestId: pending.requestId },
      // openclaw-node reads the request id from this close reason.
      reason: `pairing required (requestId: ${pending.requestId})`,
    });
  }
}

// No request could be opened: too many are waiting for an operator (see DEVICE_PAIRING_LIMITS).
function pairingRefused({ refused, retryAfterMs }: PairingRefused): HandshakeRejected {
  const where = refused === 'per_ip' ? 'from your address' : 'on this gateway';
  return rejected(ErrorCodes.UNAVAILABLE, DetailCodes.PAIRING_REQUESTS_FULL, `too many devices ${where} are waiting for pairing; try again later`, {
    details: { limit: refused },
    retryAfterMs,
  });
}

function newRequest(request: HandshakeRequest, role: Role) {
  const { client, device, scopes } = request.params;
  return {
    deviceId: (device as ConnectDevice).id,
    publicKey: (device as ConnectDevice).publicKey,
    clientId: client.id,
    clientMode: client.mode,
    ...(client.displayName !== undefined ? { displayName: client.displayName } : {}),
    platform: client.platform,
    role,
    scopes: scopes ?? [],
    remoteIp: request.remoteIp,
  };
}

function isDeviceToken(state: DeviceAuthState | null, token: string): boolean {
  return !!state?.tokenSha256Hex && secretsEqual(hashDeviceToken(token), state.tokenSha256Hex);
}

function withToken(outcome: HandshakeAccepted, deviceToken: string | undefined): HandshakeAccepted {
  return deviceToken === undefined ? outcome : { ...outcome, deviceToken };
}

function accepted(protocol: number, role: Role, scopes: OperatorScope[], authMethod: AuthMethod, deviceId?: string): HandshakeAccepted {
  return { ok: true, protocol, role, scopes, authMethod, ...(deviceId !== undefined ? { deviceId } : {}) };
}

interface RejectionOptions {
  closeCode?: number;
  details?: Record<string, unknown>;
  reason?: string;
  badSecret?: boolean;
  /** Set: the error is retryable after this long. */
  retryAfterMs?: number;
}

function rejected(code: ErrorCodeName, detail: DetailCode, message: string, options: RejectionOptions = {}): HandshakeRejected {
  const retry = options.retryAfterMs !== undefined ? { retryable: true, retryAfterMs: options.retryAfterMs } : {};
  return {
    ok: false,
    error: errorShape(code, message, { details: { code: detail, ...options.details }, ...retry }),
    closeCode: options.closeCode ?? CloseCodes.POLICY_VIOLATION,
    closeReason: closeReason(options.reason ?? message),
    badSecret: options.badSecret ?? false,
  };
}
