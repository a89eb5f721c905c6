import { Inject, Injectable } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { secretsEqual } from '../../ws/auth/device-token';
import { GatewayCredentials } from '../../ws/ports/gateway-credentials.port';
import { CONTROL_PLANE_MODULE_OPTIONS, ControlPlaneModuleOptions } from '../control-plane.module-definition';

/**
 * GATEWAY_TOKEN (or `--token`, or else an embedded gateway's generated token) and
 * GATEWAY_PASSWORD, compared in constant time.
 */
@Injectable()
export class ConfigGatewayCredentials implements GatewayCredentials {
  constructor(
    @InjectConfig() private readonly config: SwitchboardConfig,
    @Inject(CONTROL_PLANE_MODULE_OPTIONS) private readonly options: Pick<ControlPlaneModuleOptions, 'generatedToken'>,
  ) {}

  /**
   * Without a configured token or password, devices sign in by their key once an operator
   * approved them (a generated token does not change that: nobody chose it).
   */
  get configured(): boolean {
    return this.config.controlPlane.token !== undefined || this.config.controlPlane.password !== undefined;
  }

  verifyToken(token: string): boolean {
    const expected = this.config.controlPlane.token ?? this.options.generatedToken;
    return expected !== undefined && secretsEqual(token, expected);
  }

  verifyPassword(password: string): boolean {
    const expected = this.config.controlPlane.password;
    return expected !== undefined && secretsEqual(password, expected);
  }
}
