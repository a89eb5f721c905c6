import { Module } from '@nestjs/common';
import { AccessAdminService } from './access-admin';
import { LocalAdminController } from './local-admin.controller';
import { LocalAdminGuard, LocalAdminToken } from './local-admin.token';

@Module({
  controllers: [LocalAdminController],
  providers: [AccessAdminService, LocalAdminToken, LocalAdminGuard],
  exports: [LocalAdminToken],
})
export class LocalAdminModule {}

/** The access admin use cases without HTTP: the CLI's path when no gateway runs. */
@Module({ providers: [AccessAdminService], exports: [AccessAdminService] })
export class AccessAdminModule {}
