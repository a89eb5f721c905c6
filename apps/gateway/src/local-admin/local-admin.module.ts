import { DynamicModule, Module } from '@nestjs/common';
import { ScheduledPromptsModule } from '@switchboard/agent';
import { AdminOperationsModule, AuditedDevicesAdmin } from '@switchboard/admin-api';
import { ApiKeysModule } from '@switchboard/control-plane/openai-api/api-keys/api-keys.module';
import { PersistenceModule } from '@switchboard/persistence';
import { QueueModule } from '@switchboard/queue';
import { SecurityModule } from '@switchboard/security';
import { AccessAdminService } from './access-admin';
import { ApiKeysLocalController } from './api-keys.controller';
import { AuditLocalController } from './audit-local.controller';
import { CronLocalController } from './cron-local.controller';
import { DevicesLocalController } from './devices.controller';
import { LocalAdminController } from './local-admin.controller';
import { LocalAdminGuard, LocalAdminToken } from './local-admin.token';
import { QueueLocalController } from './queue-local.controller';
import { UsersLocalController } from './users-local.controller';

/** The access admin use cases without HTTP: the CLI's path when no gateway runs. */
@Module({ imports: [AdminOperationsModule, PersistenceModule, SecurityModule], providers: [AccessAdminService], exports: [AccessAdminService] })
export class AccessAdminModule {}

@Module({})
export class LocalAdminModule {
  /** `controlPlane`: the process's ControlPlaneModule (the same object it imports), for device approvals. */
  static forRoot(controlPlane: DynamicModule): DynamicModule {
    return {
      module: LocalAdminModule,
      imports: [AccessAdminModule, AdminOperationsModule, ApiKeysModule, QueueModule, ScheduledPromptsModule, controlPlane],
      controllers: [LocalAdminController, ApiKeysLocalController, DevicesLocalController, UsersLocalController, AuditLocalController, QueueLocalController, CronLocalController],
      // AuditedDevicesAdmin wraps the running control plane's DevicesAdminService.
      providers: [AuditedDevicesAdmin, LocalAdminToken, LocalAdminGuard],
      exports: [LocalAdminToken],
    };
  }
}
