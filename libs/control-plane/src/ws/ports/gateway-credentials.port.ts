/** Injection token of the gateway's shared secrets. */
export const GATEWAY_CREDENTIALS = Symbol('GATEWAY_CREDENTIALS');

/**
 * Checks the gateway-wide secrets a client may present in `connect.auth` (`--token` / config).
 * Either secret grants every operator scope. Implementations compare in constant time
 * (`secretsEqual` from this lib does) and answer false when that secret is not configured.
 */
export interface GatewayCredentials {
  /** Whether a token or password is set; without one, devices sign in by their key once approved. */
  readonly configured: boolean;
  verifyToken(token: string): boolean | Promise<boolean>;
  verifyPassword(password: string): boolean | Promise<boolean>;
}
