import { z } from 'zod';
import { isoDate } from './common.schemas';

export const devicePairingRequest = z.object({
  requestId: z.string(),
  deviceId: z.string(),
  clientId: z.string(),
  clientMode: z.string(),
  displayName: z.string().nullable(),
  platform: z.string().nullable(),
  role: z.string(),
  scopes: z.array(z.string()),
  remoteIp: z.string(),
  createdAt: isoDate,
});
export const pairedDevice = z.object({
  deviceId: z.string(),
  clientId: z.string(),
  clientMode: z.string(),
  displayName: z.string().nullable(),
  platform: z.string().nullable(),
  roles: z.array(z.string()),
  scopes: z.array(z.string()),
  createdAt: isoDate,
  approvedAt: isoDate,
});
export type PairedDevice = z.infer<typeof pairedDevice>;
export const deviceList = z.object({ pending: z.array(devicePairingRequest), paired: z.array(pairedDevice) });
export type DeviceList = z.infer<typeof deviceList>;
export const deviceRequestParams = z.object({ requestId: z.string().trim().min(1).max(200) });
export const deviceParams = z.object({ deviceId: z.string().trim().min(1).max(200) });

export const apiKey = z.object({
  id: z.string(),
  name: z.string(),
  prefix: z.string(),
  scopes: z.array(z.string()),
  rateLimitPerMinute: z.number().int().nullable(),
  createdBy: z.string().nullable(),
  createdAt: isoDate,
  lastUsedAt: isoDate.nullable(),
  revokedAt: isoDate.nullable(),
});
export type ApiKey = z.infer<typeof apiKey>;
export const apiKeyList = z.object({ items: z.array(apiKey) });
export const apiKeyCreateRequest = z.object({
  name: z.string().trim().min(1).max(100),
  scopes: z.array(z.enum(['chat', 'models'])).default([]),
  rateLimitPerMinute: z.number().int().min(1).max(1_000_000).optional(),
});
export type ApiKeyCreateRequest = z.infer<typeof apiKeyCreateRequest>;
/** The secret `key` is in this answer only; it is stored hashed and never shown again. */
export const apiKeyCreateResponse = z.object({ key: z.string(), apiKey });
export type ApiKeyCreateResponse = z.infer<typeof apiKeyCreateResponse>;
export const apiKeyRevokeResponse = z.object({ apiKey, revoked: z.boolean() });
