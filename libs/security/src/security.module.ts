import { Module } from '@nestjs/common';
import { PersistenceModule } from '@switchboard/persistence';
import { AccessLists } from './access/access-lists';
import { AccessPolicy } from './access/access-policy';
import { AddToAllowlistUseCase } from './access/use-cases/add-to-allowlist/add-to-allowlist.use-case';
import { CLOCK, systemClock } from './clock';
import { CommandPermissions } from './commands/command-permissions';
import { IpRules } from './ip/ip-rules';
import { RouteSurfaceHook } from './ip/route-surface.hook';
import { PairingCodeHasher } from './pairing/pairing-code-hasher';
import { ApprovePairingUseCase } from './pairing/use-cases/approve-pairing/approve-pairing.use-case';
import { ListPendingPairingsUseCase } from './pairing/use-cases/list-pending-pairings/list-pending-pairings.use-case';
import { RequestPairingUseCase } from './pairing/use-cases/request-pairing/request-pairing.use-case';
import { RevokePairingUseCase } from './pairing/use-cases/revoke-pairing/revoke-pairing.use-case';
import { RateLimitStore } from './rate-limit/rate-limit-store';
import { UserRateLimiter } from './rate-limit/user-rate-limiter';
import { RuntimeSettings } from './settings/runtime-settings';
import { settingsBusProvider } from './settings/settings-bus';
import { SettingsSync } from './settings/settings-sync';

const services = [
  RuntimeSettings,
  SettingsSync,
  AccessLists,
  AccessPolicy,
  CommandPermissions,
  IpRules,
  RouteSurfaceHook,
  RateLimitStore,
  UserRateLimiter,
  PairingCodeHasher,
  RequestPairingUseCase,
  ApprovePairingUseCase,
  RevokePairingUseCase,
  ListPendingPairingsUseCase,
  AddToAllowlistUseCase,
];

/**
 * Allowlists, DM pairing, command permissions, IP rules and rate limits, on the configuration
 * (global APP_CONFIG), the operators' runtime changes to it (RuntimeSettings, kept in step across
 * replicas by SettingsSync) and the repositories. Invalid security settings fail here, at start.
 */
@Module({
  imports: [PersistenceModule],
  providers: [{ provide: CLOCK, useValue: systemClock }, settingsBusProvider, ...services],
  exports: services,
})
export class SecurityModule {}
