import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import type { OperatorRecord } from '@switchboard/persistence';
import type { AdminRequest } from '../http/admin-request';
import { RequestOrigin } from '../http/request-origin';
import { LocalLoginUseCase } from './local-login.use-case';

/** passport-local: email and password from the JSON body, checked by the LocalLoginUseCase. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'admin-local') {
  constructor(
    private readonly login: LocalLoginUseCase,
    private readonly origin: RequestOrigin,
  ) {
    super({ usernameField: 'email', passwordField: 'password', passReqToCallback: true, session: false });
  }

  validate(request: AdminRequest, email: string, password: string): Promise<OperatorRecord> {
    return this.login.execute({ email, password, ip: this.origin.clientIp(request) ?? 'unknown', userAgent: this.origin.userAgent(request) });
  }
}
