import { Global, Module } from '@nestjs/common';
import { SessionLock } from './session-lock';
import { SessionService } from './session.service';

@Global()
@Module({
  providers: [SessionService, SessionLock],
  exports: [SessionService, SessionLock],
})
export class SessionsModule {}
