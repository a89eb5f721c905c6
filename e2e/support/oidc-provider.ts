import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';

const OIDC_PROVIDER: string = 'oidc-provider';

type OidcProviderClass = new (issuer: string, configuration: Record<string, unknown>) => {
  listen(port: number, host: string, callback: () => void): Server;
};

export interface OidcClientRegistration {
  clientId: string;
  clientSecret: string;
  redirectUri: string;
}

/**
 * A real OpenID Connect provider (`oidc-provider`) on 127.0.0.1 with its development login and
 * consent pages: any login name signs in, as the account whose email is that name. Each account
 * carries a `groups` claim, which the gateway maps to a role.
 */
export class TestOidcProvider {
  issuer = '';
  private server?: Server;

  constructor(private readonly groupsOf: (email: string) => string[]) {}

  async start(client: OidcClientRegistration): Promise<void> {
    // ESM only and untyped: loaded with a dynamic import, typed by the little used here.
    const { default: Provider } = (await import(OIDC_PROVIDER)) as { default: OidcProviderClass };
    const port = await freePort();
    this.issuer = `http://127.0.0.1:${port}`;
    const provider = new Provider(this.issuer, {
      clients: [
        {
          client_id: client.clientId,
          client_secret: client.clientSecret,
          redirect_uris: [client.redirectUri],
          response_types: ['code'],
          grant_types: ['authorization_code'],
        },
      ],
      // The groups claim comes with the openid scope, in the ID token as well as from userinfo.
      claims: { openid: ['sub', 'groups'], email: ['email', 'email_verified'], profile: ['name'] },
      conformIdTokenClaims: false,
      findAccount: async (_ctx: unknown, sub: string) => ({
        accountId: sub,
        claims: async () => ({ sub, email: sub, email_verified: true, name: sub.split('@')[0], groups: this.groupsOf(sub) }),
      }),
      features: { devInteractions: { enabled: true } },
      cookies: { keys: ['e2e-oidc-cookie-key-5f1c0a'] },
    });
    await new Promise<void>((resolve) => {
      this.server = provider.listen(port, '127.0.0.1', () => resolve());
    });
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.server ? this.server.close(() => resolve()) : resolve()));
  }
}

/** A port nothing listens on right now (the gateway's redirect URL must be known before it starts). */
export async function freePort(): Promise<number> {
  const net = await import('node:net');
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}
