import { Body, Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import { AuditedDevicesAdmin } from '@switchboard/admin-api';
import { ActorBody, actorOf } from './actor-body';
import { LocalAdminGuard } from './local-admin.token';

/** `/api/local/devices`: the CLI's control-plane device commands while a gateway runs. */
@Controller('api/local/devices')
@UseGuards(LocalAdminGuard)
export class DevicesLocalController {
  constructor(private readonly admin: AuditedDevicesAdmin) {}

  @Get()
  list() {
    return this.admin.listDevices();
  }

  @Post(':requestId/approve')
  approve(@Param('requestId') requestId: string, @Body() body: ActorBody) {
    return this.admin.approveDevice(requestId, actorOf(body));
  }

  @Post(':requestId/reject')
  reject(@Param('requestId') requestId: string, @Body() body: ActorBody) {
    return this.admin.rejectDevice(requestId, actorOf(body));
  }

  @Post(':deviceId/revoke')
  revoke(@Param('deviceId') deviceId: string, @Body() body: ActorBody) {
    return this.admin.revokeDevice(deviceId, actorOf(body));
  }
}
