import { DynamicModule, Module, Type } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { ChannelsModule } from '@switchboard/channels';
import { ApiKeysModule } from '@switchboard/control-plane/openai-api/api-keys/api-keys.module';
import { DevicesModule } from '@switchboard/control-plane/ws-gateway/devices/devices.module';
import { PersistenceModule } from '@switchboard/persistence';
import { QueueModule } from '@switchboard/queue';
import { SecurityModule } from '@switchboard/security';
import { AllowlistAdmin } from './allowlist/allowlist-admin.service';
import { AllowlistController } from './allowlist/allowlist.controller';
import { ApiKeysController } from './api-keys/api-keys.controller';
import { AuditedApiKeysAdmin } from './api-keys/audited-api-keys-admin';
import { AuditAdminService } from './audit/audit-admin';
import { AuditLog } from './audit/audit-log.service';
import { AuditRetention } from './audit/audit-retention';
import { AuditController } from './audit/audit.controller';
import { AdminSessions } from './auth/admin-sessions.service';
import { AuthController } from './auth/auth.controller';
import { LocalLoginUseCase } from './auth/local-login.use-case';
import { LocalStrategy } from './auth/local.strategy';
import { DEFAULT_LOGIN_THROTTLE, LOGIN_THROTTLE, LoginThrottle, LoginThrottleOptions } from './auth/login-throttle';
import { OidcClient } from './auth/oidc/oidc-client';
import { OidcSignIn } from './auth/oidc/oidc-sign-in';
import { PasswordHasher } from './auth/password-hasher';
import { SetupLink } from './auth/setup-link';
import { AuditedDevicesAdmin } from './devices/audited-devices-admin';
import { DevicesController } from './devices/devices.controller';
import { AdminAuthGuard } from './http/admin-auth.guard';
import { RequestOrigin } from './http/request-origin';
import { OperatorAccounts } from './operators/operator-accounts.service';
import { OperatorsController } from './operators/operators.controller';
import { UsersAdminService } from './operators/users-admin';
import { OverviewController } from './overview/overview.controller';
import { PairingAdmin } from './pairing/pairing-admin.service';
import { PairingFeed } from './pairing/pairing-feed';
import { PairingController } from './pairing/pairing.controller';
import { SessionsAdmin } from './sessions/sessions-admin.service';
import { SessionsController } from './sessions/sessions.controller';
import { SettingsAdmin } from './settings/settings-admin.service';
import { SettingsController } from './settings/settings.controller';

/**
 * The operations behind the admin API without HTTP: the CLI and the gateway's local API use them
 * too, so every change is audited the same way.
 */
@Module({
  imports: [ApiKeysModule, PersistenceModule, QueueModule, SecurityModule],
  providers: [AuditLog, PasswordHasher, OperatorAccounts, AllowlistAdmin, PairingAdmin, UsersAdminService, AuditAdminService, AuditedApiKeysAdmin],
  exports: [AuditLog, PasswordHasher, OperatorAccounts, AllowlistAdmin, PairingAdmin, UsersAdminService, AuditAdminService, AuditedApiKeysAdmin],
})
export class AdminOperationsModule {}

/** Device administration on the database with its audit events: the CLI's path when no gateway runs. */
@Module({ imports: [DevicesModule, AdminOperationsModule], providers: [AuditedDevicesAdmin], exports: [AuditedDevicesAdmin] })
export class AuditedDevicesModule {}

export interface AdminApiOptions {
  /** The module that provides the control plane's DevicesAdminService (ControlPlaneModule.forRoot): its revocations disconnect. */
  controlPlane: Type | DynamicModule;
  loginThrottle?: LoginThrottleOptions;
}

/** `/api/admin/*`: the admin console's API (auth, RBAC, audit). */
@Module({})
export class AdminApiModule {
  static forRoot(options: AdminApiOptions): DynamicModule {
    return {
      module: AdminApiModule,
      imports: [PassportModule, ApiKeysModule, AdminOperationsModule, options.controlPlane, ChannelsModule, PersistenceModule, QueueModule, SecurityModule],
      controllers: [
        AuthController,
        OverviewController,
        AllowlistController,
        PairingController,
        SessionsController,
        SettingsController,
        DevicesController,
        ApiKeysController,
        OperatorsController,
        AuditController,
      ],
      providers: [
        { provide: LOGIN_THROTTLE, useValue: options.loginThrottle ?? DEFAULT_LOGIN_THROTTLE },
        AuditedDevicesAdmin,
        RequestOrigin,
        AdminSessions,
        AdminAuthGuard,
        LoginThrottle,
        LocalLoginUseCase,
        LocalStrategy,
        SetupLink,
        OidcClient,
        OidcSignIn,
        PairingFeed,
        SessionsAdmin,
        SettingsAdmin,
        AuditRetention,
      ],
    };
  }
}
