import { Injectable } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { secretsEqual } from '../../ws/auth/device-token';
import { GatewayCredentials } from '../../ws/ports/gateway-credentials.port';

/** GATEWAY_TOKEN and GATEWAY_PASSWORD (or `--token`), compared in constant time. */
@Injectable()
export class ConfigGatewayCredentials implements GatewayCredentials {
  constructor(@InjectConfig() private readonly config: SwitchboardConfig) {}

  /** Without a token or password, devices sign in by their key once an operator approved them. */
  get configured(): boolean {
    return this.config.controlPlane.token !== undefined || this.config.controlPlane.password !== undefined;
  }

  verifyToken(token: string): boolean {
    const expected = this.config.controlPlane.token;
    return expected !== undefined && secretsEqual(token, expected);
  }

  verifyPassword(password: string): boolean {
    const expected = this.config.controlPlane.password;
    return expected !== undefined && secretsEqual(password, expected);
  }
}
