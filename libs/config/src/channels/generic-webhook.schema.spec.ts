import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.error';
import { loadConfig } from '../config.loader';

const SECRET = `whsec_${Buffer.from('a-secret-of-some-length').toString('base64')}`;

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('generic webhook config', () => {
  it('is off without WEBHOOK_SECRET, and asks for the callback URL once it is set', () => {
    const { webhook } = loadConfig({ env: {} });
    expect(webhook.secret).toBeUndefined();
    expect(webhook.syncTimeoutMs).toBe(25_000);
    expect(problemsOf({ WEBHOOK_SECRET: SECRET })).toEqual(['WEBHOOK_CALLBACK_URL (webhook.callbackUrl): required when WEBHOOK_SECRET is set']);
  });

  it('refuses a secret that is not whsec_<base64>', () => {
    expect(problemsOf({ WEBHOOK_SECRET: 'hunter2', WEBHOOK_CALLBACK_URL: 'https://crm.example/hooks' })).toEqual([
      'WEBHOOK_SECRET (webhook.secret): expected whsec_ followed by a base64 key (at least 16 characters)',
    ]);
  });

  it('reads the access settings under the WEBHOOK_ prefix', () => {
    const { webhook } = loadConfig({ env: { WEBHOOK_SECRET: SECRET, WEBHOOK_CALLBACK_URL: 'https://crm.example/hooks', WEBHOOK_ALLOWED_USERS: 'user-1' } });
    expect(webhook).toMatchObject({ callbackUrl: 'https://crm.example/hooks', allowedUsers: ['user-1'], dmPolicy: 'pairing' });
  });
});
