import { Injectable } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import type { Configuration } from 'openid-client' with { 'resolution-mode': 'import' };
import type { VerifiedIdentity } from './oidc-sign-in';

type OpenIdClient = typeof import('openid-client', { with: { 'resolution-mode': 'import' } });

/** What must survive the round trip through the provider (kept in a short-lived httpOnly cookie). */
export interface PendingSso {
  state: string;
  nonce: string;
  verifier: string;
}

/**
 * The OpenID Connect relying party (openid-client's functional API): discovery, authorization
 * code flow with PKCE, state and nonce checked on return.
 */
@Injectable()
export class OidcClient {
  private configuration: Promise<Configuration> | null = null;

  constructor(@InjectConfig() private readonly config: SwitchboardConfig) {}

  get enabled(): boolean {
    return this.config.oidc.issuer !== undefined;
  }

  async start(): Promise<{ url: string; pending: PendingSso }> {
    const client = await openIdClient();
    const configuration = await this.discover();
    const pending = { state: client.randomState(), nonce: client.randomNonce(), verifier: client.randomPKCECodeVerifier() };
    const url = client.buildAuthorizationUrl(configuration, {
      redirect_uri: this.config.oidc.redirectUrl!,
      scope: 'openid email profile',
      code_challenge: await client.calculatePKCECodeChallenge(pending.verifier),
      code_challenge_method: 'S256',
      state: pending.state,
      nonce: pending.nonce,
    });
    return { url: url.href, pending };
  }

  /** Exchanges the code of the callback (its query string) and returns who signed in. */
  async finish(callbackQuery: string, pending: PendingSso): Promise<VerifiedIdentity> {
    const client = await openIdClient();
    const configuration = await this.discover();
    const currentUrl = new URL(this.config.oidc.redirectUrl!);
    currentUrl.search = callbackQuery;
    const tokens = await client.authorizationCodeGrant(configuration, currentUrl, {
      pkceCodeVerifier: pending.verifier,
      expectedState: pending.state,
      expectedNonce: pending.nonce,
      idTokenExpected: true,
    });
    let claims: Record<string, unknown> = { ...tokens.claims()! };
    const claimName = this.config.oidc.roleClaim;
    // Many providers put groups and email in userinfo only.
    if (claims[claimName] === undefined || claims.email === undefined) {
      const info = await client.fetchUserInfo(configuration, tokens.access_token, String(claims.sub));
      claims = { ...info, ...claims, [claimName]: claims[claimName] ?? info[claimName] };
    }
    return {
      issuer: configuration.serverMetadata().issuer,
      subject: String(claims.sub),
      email: typeof claims.email === 'string' ? claims.email.toLowerCase() : undefined,
      emailVerified: typeof claims.email_verified === 'boolean' ? claims.email_verified : undefined,
      name: typeof claims.name === 'string' ? claims.name : undefined,
      roleClaim: claims[claimName],
    };
  }

  // Discovered once; a failure is retried at the next sign-in.
  private discover(): Promise<Configuration> {
    this.configuration ??= (async () => {
      const client = await openIdClient();
      const { issuer, clientId, clientSecret } = this.config.oidc;
      const issuerUrl = new URL(issuer!);
      return client.discovery(issuerUrl, clientId!, clientSecret, clientSecret ? undefined : client.None(), {
        // An http issuer is taken as configured (a provider on the same host or in a test).
        execute: issuerUrl.protocol === 'http:' ? [client.allowInsecureRequests] : [],
      });
    })().catch((error: unknown) => {
      this.configuration = null;
      throw error;
    });
    return this.configuration;
  }
}

// openid-client is an ES module; the gateway is compiled to CommonJS.
const openIdClient = (): Promise<OpenIdClient> => import('openid-client');
