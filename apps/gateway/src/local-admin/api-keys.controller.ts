import { Body, Controller, Get, Param, Post, UseGuards } from '@nestjs/common';
import { AuditedApiKeysAdmin } from '@switchboard/admin-api';
import type { NewApiKeyInput } from '@switchboard/control-plane/openai-api/api-keys/use-cases/create-api-key/create-api-key.use-case';
import { ActorBody, actorOf } from './actor-body';
import { LocalAdminGuard } from './local-admin.token';

/** `/api/local/api-keys`: the CLI's API key commands while a gateway runs. */
@Controller('api/local/api-keys')
@UseGuards(LocalAdminGuard)
export class ApiKeysLocalController {
  constructor(private readonly admin: AuditedApiKeysAdmin) {}

  @Get()
  list() {
    return this.admin.listApiKeys();
  }

  // The use case validates every field, whatever the body holds.
  @Post()
  create(@Body() body: NewApiKeyInput & ActorBody) {
    return this.admin.createApiKey({ name: body?.name, scopes: body?.scopes, rateLimitPerMinute: body?.rateLimitPerMinute }, actorOf(body));
  }

  @Post(':ref/revoke')
  revoke(@Param('ref') ref: string, @Body() body: ActorBody) {
    return this.admin.revokeApiKey(ref, actorOf(body));
  }
}
