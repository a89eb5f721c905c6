import { Global, Module } from '@nestjs/common';
import { AccessLists } from './access/access-lists';
import { AccessPolicy } from './access/access-policy';
import { CLOCK, systemClock } from './clock';
import { CommandPermissions } from './commands/command-permissions';
import { IpRules } from './ip/ip-rules';
import { IpRulesGuard } from './ip/ip-rules.guard';
import { ApprovePairingUseCase } from './pairing/use-cases/approve-pairing/approve-pairing.use-case';
import { ListPendingPairingsUseCase } from './pairing/use-cases/list-pending-pairings/list-pending-pairings.use-case';
import { RequestPairingUseCase } from './pairing/use-cases/request-pairing/request-pairing.use-case';
import { RevokePairingUseCase } from './pairing/use-cases/revoke-pairing/revoke-pairing.use-case';
import { RateLimitStore } from './rate-limit/rate-limit-store';
import { UserRateLimiter } from './rate-limit/user-rate-limiter';

const services = [
  AccessLists,
  AccessPolicy,
  CommandPermissions,
  IpRules,
  IpRulesGuard,
  RateLimitStore,
  UserRateLimiter,
  RequestPairingUseCase,
  ApprovePairingUseCase,
  RevokePairingUseCase,
  ListPendingPairingsUseCase,
];

/**
 * Allowlists, DM pairing, command permissions, IP rules and rate limits. Needs the configuration
 * (ConfigModule) and the repositories (PersistenceModule), both global. Invalid security settings
 * fail here, at start.
 */
@Global()
@Module({
  providers: [{ provide: CLOCK, useValue: systemClock }, ...services],
  exports: services,
})
export class SecurityModule {}
