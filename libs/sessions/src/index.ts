export { isDueForReset, lastDailyBoundary } from './reset-policy';
export type { ResetMode, ResetPolicy } from './reset-policy';
export { buildSessionKey } from './session-key';
export type { SessionScope } from './session-key';
export { RedisSessionLock } from './redis-session-lock';
export { InProcessSessionLock, SessionLock } from './session-lock';
export { SessionService } from './session.service';
export { SessionsModule } from './sessions.module';
