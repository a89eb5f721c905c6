import { KeyObject, createHash, createPublicKey, verify } from 'node:crypto';

export type DeviceAuthVersion = 'v2' | 'v3';

/** The connect fields a device signs, in the order they appear in the payload. */
export interface DeviceAuthFields {
  deviceId: string;
  clientId: string;
  clientMode: string;
  role: string;
  scopes: readonly string[];
  signedAtMs: number;
  /** The secret sent in `auth` (token or deviceToken); empty when none. */
  token: string;
  nonce: string;
  /** v3 only. */
  platform?: string;
  /** v3 only. */
  deviceFamily?: string;
}

const ED25519_PUBLIC_KEY_BYTES = 32;
const ED25519_SIGNATURE_BYTES = 64;
const BASE64URL = /^[A-Za-z0-9_-]+={0,2}$/;

/** The UTF-8 text a device signs: `v2|deviceId|clientId|clientMode|role|scopes|signedAtMs|token|nonce[|platform|deviceFamily]`. */
export function deviceAuthPayload(version: DeviceAuthVersion, fields: DeviceAuthFields): string {
  const parts = [
    version,
    fields.deviceId,
    fields.clientId,
    fields.clientMode,
    fields.role,
    fields.scopes.join(','),
    String(fields.signedAtMs),
    fields.token,
    fields.nonce,
  ];
  if (version === 'v3') parts.push(normalizeV3(fields.platform), normalizeV3(fields.deviceFamily));
  return parts.join('|');
}

function normalizeV3(value: string | undefined): string {
  return (value ?? '').trim().toLowerCase();
}

/** A device's id: hex SHA-256 of its raw 32-byte Ed25519 public key. */
export function deviceIdFromPublicKey(publicKeyRaw: Buffer): string {
  return createHash('sha256').update(publicKeyRaw).digest('hex');
}

export function decodeBase64Url(text: string): Buffer | null {
  return BASE64URL.test(text) ? Buffer.from(text, 'base64url') : null;
}

/** Imports a raw Ed25519 public key; null when it is not 32 bytes of base64url. */
export function importDevicePublicKey(publicKeyBase64Url: string): { raw: Buffer; key: KeyObject } | null {
  const raw = decodeBase64Url(publicKeyBase64Url);
  if (!raw || raw.length !== ED25519_PUBLIC_KEY_BYTES) return null;
  try {
    const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: raw.toString('base64url') }, format: 'jwk' });
    return { raw, key };
  } catch {
    return null;
  }
}

/**
 * Which payload version the signature covers, or null when it covers neither. Newer clients sign
 * v3, older ones v2, and only the signature says which: both are tried, `first` first (each try
 * is a full Ed25519 verification, the most expensive step of a connect).
 */
export function verifyDeviceSignature(key: KeyObject, signatureBase64Url: string, fields: DeviceAuthFields, first: DeviceAuthVersion = 'v3'): DeviceAuthVersion | null {
  const signature = decodeBase64Url(signatureBase64Url);
  if (!signature || signature.length !== ED25519_SIGNATURE_BYTES) return null;
  for (const version of first === 'v3' ? (['v3', 'v2'] as const) : (['v2', 'v3'] as const)) {
    if (verify(null, Buffer.from(deviceAuthPayload(version, fields), 'utf8'), key, signature)) return version;
  }
  return null;
}
