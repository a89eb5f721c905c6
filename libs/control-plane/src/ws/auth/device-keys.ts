import { KeyObject } from 'node:crypto';
import { DeviceAuthVersion, deviceIdFromPublicKey, importDevicePublicKey } from './device-signature';

/** A device public key ready for verification, with what is derived from it. */
export interface DeviceKey {
  key: KeyObject;
  /** Hex SHA-256 of the raw key: the only device id this key may claim. */
  deviceId: string;
  /** The payload version to try first (see verifyDeviceSignature). */
  signs: DeviceAuthVersion;
}

/**
 * The keys of devices that connected lately, as imported, with the payload version each signed
 * last. Importing a key and trying the wrong version first would otherwise be paid on every
 * reconnect. Only keys whose signature verified are kept; past `maxEntries` the oldest goes.
 */
export class DeviceKeys {
  private readonly known = new Map<string, DeviceKey>();

  constructor(private readonly maxEntries: number) {}

  /** The key for a `device.publicKey`; null when it is not a raw Ed25519 key in base64url. */
  find(publicKeyBase64Url: string): DeviceKey | null {
    const known = this.known.get(publicKeyBase64Url);
    if (known) return known;
    const imported = importDevicePublicKey(publicKeyBase64Url);
    return imported ? { key: imported.key, deviceId: deviceIdFromPublicKey(imported.raw), signs: 'v3' } : null;
  }

  /** The key just verified a signature over a `version` payload. */
  verified(publicKeyBase64Url: string, key: DeviceKey, version: DeviceAuthVersion): void {
    if (this.known.get(publicKeyBase64Url)?.signs === version) return;
    this.known.delete(publicKeyBase64Url);
    if (this.known.size >= this.maxEntries) this.known.delete(this.known.keys().next().value as string);
    this.known.set(publicKeyBase64Url, { ...key, signs: version });
  }
}
