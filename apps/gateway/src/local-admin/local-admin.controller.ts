import { Body, Controller, Get, Post, Query, UseGuards } from '@nestjs/common';
import { AccessAdminService } from './access-admin';
import { ActorBody, actorOf } from './actor-body';
import { LocalAdminGuard } from './local-admin.token';

const text = (value: unknown) => (typeof value === 'string' ? value : '');

/** `/api/local/*`: what the CLI changes while a gateway runs (PGlite is open in one process only). */
@Controller('api/local')
@UseGuards(LocalAdminGuard)
export class LocalAdminController {
  constructor(private readonly admin: AccessAdminService) {}

  @Get('allowlist')
  listAllowlist(@Query('platform') platform?: string) {
    return this.admin.listAllowlist(platform);
  }

  @Post('allowlist')
  addToAllowlist(@Body() body: ActorBody & { platform?: unknown; userId?: unknown }) {
    return this.admin.addToAllowlist(text(body?.platform), text(body?.userId), actorOf(body));
  }

  @Post('allowlist/remove')
  removeFromAllowlist(@Body() body: ActorBody & { platform?: unknown; userId?: unknown }) {
    return this.admin.removeFromAllowlist(text(body?.platform), text(body?.userId), actorOf(body));
  }

  @Get('pairing')
  listPairings(@Query('platform') platform?: string) {
    return this.admin.listPairings(platform);
  }

  @Post('pairing/approve')
  approvePairing(@Body() body: ActorBody & { platform?: unknown; code?: unknown }) {
    return this.admin.approvePairing(text(body?.platform), text(body?.code), actorOf(body));
  }

  @Post('pairing/revoke')
  revokePairing(@Body() body: ActorBody & { platform?: unknown; userId?: unknown }) {
    return this.admin.revokePairing(text(body?.platform), text(body?.userId), actorOf(body));
  }
}
