import { describe, expect, it } from 'vitest';
import { ConfigError } from '../config.error';
import { loadConfig } from '../config.loader';
import { redactConfig } from '../config.redact';

const CREDENTIALS = {
  WHATSAPP_ACCESS_TOKEN: 'EAAGtoken',
  WHATSAPP_PHONE_NUMBER_ID: '106540352242922',
  WHATSAPP_APP_SECRET: 'app-secret',
  WHATSAPP_VERIFY_TOKEN: 'verify-me',
};

function problemsOf(env: Record<string, string>): string[] {
  try {
    loadConfig({ env });
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe('whatsapp config', () => {
  it('leaves WhatsApp off, with Meta\'s Graph API as the default, when no credential is set', () => {
    const { whatsapp } = loadConfig({ env: {} });
    expect(whatsapp.accessToken).toBeUndefined();
    expect(whatsapp).toMatchObject({ apiRoot: 'https://graph.facebook.com', dmPolicy: 'pairing', allowedUsers: [] });
  });

  it('names every credential that is missing once one is set', () => {
    expect(problemsOf({ WHATSAPP_ACCESS_TOKEN: 'EAAGtoken' })).toEqual([
      'WHATSAPP_PHONE_NUMBER_ID (whatsapp.phoneNumberId): required for the WhatsApp channel (WHATSAPP_PHONE_NUMBER_ID)',
      'WHATSAPP_APP_SECRET (whatsapp.appSecret): required for the WhatsApp channel (WHATSAPP_APP_SECRET)',
      'WHATSAPP_VERIFY_TOKEN (whatsapp.verifyToken): required for the WhatsApp channel (WHATSAPP_VERIFY_TOKEN)',
    ]);
  });

  it('refuses a phone number where the phone number id belongs', () => {
    expect(problemsOf({ ...CREDENTIALS, WHATSAPP_PHONE_NUMBER_ID: '+1 555 078 3881' })).toEqual([
      'WHATSAPP_PHONE_NUMBER_ID (whatsapp.phoneNumberId): expected the Phone number ID (digits, from WhatsApp → API Setup)',
    ]);
  });

  it('reads the access settings and masks the secrets', () => {
    const config = loadConfig({ env: { ...CREDENTIALS, WHATSAPP_ALLOWED_USERS: '4915112345678, 5511987654321', WHATSAPP_DM_POLICY: 'allowlist' } });
    expect(config.whatsapp).toMatchObject({ allowedUsers: ['4915112345678', '5511987654321'], dmPolicy: 'allowlist' });
    const shown = JSON.stringify(redactConfig(config));
    for (const secret of ['EAAGtoken', 'app-secret', 'verify-me']) expect(shown).not.toContain(secret);
  });
});
