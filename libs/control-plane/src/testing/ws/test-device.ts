import { KeyObject, createHash, generateKeyPairSync, sign } from 'node:crypto';
import { DeviceAuthVersion, deviceAuthPayload } from '../../ws/auth/device-signature';
import { ConnectDevice, ConnectParams } from '../../ws/protocol/connect.schema';

/** An Ed25519 device identity as a client keeps it. */
export interface TestDevice {
  id: string;
  /** Raw public key, base64url. */
  publicKey: string;
  privateKey: KeyObject;
}

export function createTestDevice(): TestDevice {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  // The raw key is the last 32 bytes of the SPKI DER encoding.
  const raw = publicKey.export({ type: 'spki', format: 'der' }).subarray(-32);
  return { id: createHash('sha256').update(raw).digest('hex'), publicKey: raw.toString('base64url'), privateKey };
}

export function signText(device: TestDevice, text: string): string {
  return sign(null, Buffer.from(text, 'utf8'), device.privateKey).toString('base64url');
}

export interface DeviceSigning {
  nonce: string;
  signedAt?: number;
  version?: DeviceAuthVersion;
}

/** The `device` block of a connect whose other fields are final, signed over those fields. */
export function signedDevice(device: TestDevice, params: Omit<ConnectParams, 'device'>, signing: DeviceSigning): ConnectDevice {
  const signedAt = signing.signedAt ?? Date.now();
  const auth = params.auth ?? {};
  const payload = deviceAuthPayload(signing.version ?? 'v2', {
    deviceId: device.id,
    clientId: params.client.id,
    clientMode: params.client.mode,
    role: params.role ?? 'operator',
    scopes: params.scopes ?? [],
    signedAtMs: signedAt,
    token: auth.token ?? auth.deviceToken ?? '',
    nonce: signing.nonce,
    platform: params.client.platform,
    deviceFamily: params.client.deviceFamily,
  });
  return { id: device.id, publicKey: device.publicKey, signature: signText(device, payload), signedAt, nonce: signing.nonce };
}

export interface ConnectOptions {
  token?: string;
  password?: string;
  deviceToken?: string;
  role?: 'operator' | 'node';
  scopes?: string[];
  minProtocol?: number;
  maxProtocol?: number;
  client?: Partial<ConnectParams['client']>;
  device?: TestDevice;
  /** Required with `device`: the challenge nonce to sign (or a wrong one, to test that). */
  signing?: DeviceSigning;
}

/** Connect params as a well-behaved client sends them. */
export function connectParams(options: ConnectOptions = {}): ConnectParams {
  const params: ConnectParams = {
    minProtocol: options.minProtocol ?? 3,
    maxProtocol: options.maxProtocol ?? 4,
    client: { id: 'switchboard-test', version: '1.0.0', platform: 'linux', mode: 'test', ...options.client },
    role: options.role ?? 'operator',
    scopes: options.scopes ?? ['operator.read', 'operator.write'],
    caps: [],
    commands: [],
    permissions: {},
    auth: {
      ...(options.token !== undefined ? { token: options.token } : {}),
      ...(options.password !== undefined ? { password: options.password } : {}),
      ...(options.deviceToken !== undefined ? { deviceToken: options.deviceToken } : {}),
    },
  };
  if (!options.device) return params;
  if (!options.signing) throw new Error('connectParams: a device needs `signing` (at least the challenge nonce)');
  return { ...params, device: signedDevice(options.device, params, options.signing) };
}
