import { describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { ConfigGatewayCredentials } from './config-gateway-credentials';

describe('ConfigGatewayCredentials', () => {
  it('accepts the generated token when no GATEWAY_TOKEN is set, and keeps device sign-in by key', () => {
    const credentials = new ConfigGatewayCredentials(configSchema.parse({}), { generatedToken: 'generated-token' });

    expect(credentials.verifyToken('generated-token')).toBe(true);
    expect(credentials.verifyToken('something-else')).toBe(false);
    expect(credentials.configured).toBe(false);
  });

  it('lets an explicit GATEWAY_TOKEN win over a generated one', () => {
    const config = configSchema.parse({ controlPlane: { token: 'chosen-by-the-operator-1234' } });
    const credentials = new ConfigGatewayCredentials(config, { generatedToken: 'generated-token' });

    expect(credentials.verifyToken('chosen-by-the-operator-1234')).toBe(true);
    expect(credentials.verifyToken('generated-token')).toBe(false);
    expect(credentials.configured).toBe(true);
  });
});
