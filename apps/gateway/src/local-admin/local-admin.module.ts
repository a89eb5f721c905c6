import { Module } from '@nestjs/common';
import { ApiKeysModule } from '@switchboard/control-plane/openai-api/api-keys/api-keys.module';
import { AccessAdminService } from './access-admin';
import { ApiKeysLocalController } from './api-keys.controller';
import { DevicesLocalController } from './devices.controller';
import { LocalAdminController } from './local-admin.controller';
import { LocalAdminGuard, LocalAdminToken } from './local-admin.token';

@Module({
  imports: [ApiKeysModule],
  controllers: [LocalAdminController, ApiKeysLocalController, DevicesLocalController],
  providers: [AccessAdminService, LocalAdminToken, LocalAdminGuard],
  exports: [LocalAdminToken],
})
export class LocalAdminModule {}

/** The access admin use cases without HTTP: the CLI's path when no gateway runs. */
@Module({ providers: [AccessAdminService], exports: [AccessAdminService] })
export class AccessAdminModule {}
