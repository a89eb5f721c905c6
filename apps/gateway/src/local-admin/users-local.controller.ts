import { Body, Controller, Get, Post, UseGuards } from '@nestjs/common';
import { UsersAdminService } from '@switchboard/admin-api';
import { ActorBody, actorOf } from './actor-body';
import { LocalAdminGuard } from './local-admin.token';

/** `/api/local/users`: `switchboard users` while a gateway runs. */
@Controller('api/local/users')
@UseGuards(LocalAdminGuard)
export class UsersLocalController {
  constructor(private readonly users: UsersAdminService) {}

  @Get()
  list() {
    return this.users.listUsers();
  }

  // The service validates every field, whatever the body holds.
  @Post()
  create(@Body() body: ActorBody & { user?: unknown }) {
    return this.users.createUser(body?.user, actorOf(body));
  }

  @Post('disable')
  disable(@Body() body: ActorBody & { email?: unknown }) {
    return this.users.disableUser(typeof body?.email === 'string' ? body.email : '', actorOf(body));
  }
}
