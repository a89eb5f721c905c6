import { Body, Controller, Get, Post, UseGuards } from '@nestjs/common';
import { ScheduledPrompts } from '@switchboard/agent';
import { DomainError, ErrorCode } from '@switchboard/core';
import { ActorBody, actorOf } from './actor-body';
import { LocalAdminGuard } from './local-admin.token';
import { type CronAddBody, scheduleRequestOf } from './cron-request';

/** `/api/local/cron`: `switchboard cron` while a gateway runs. */
@Controller('api/local/cron')
@UseGuards(LocalAdminGuard)
export class CronLocalController {
  constructor(private readonly scheduled: ScheduledPrompts) {}

  @Get()
  list() {
    return this.scheduled.list();
  }

  // The service validates every field once they are strings.
  @Post()
  add(@Body() body: ActorBody & CronAddBody) {
    return this.scheduled.add(scheduleRequestOf(body, actorOf(body)));
  }

  @Post('remove')
  remove(@Body() body: { name?: unknown }) {
    return this.scheduled.remove(nameOf(body));
  }

  @Post('run')
  run(@Body() body: { name?: unknown }) {
    return this.scheduled.runNow(nameOf(body));
  }
}

function nameOf(body: { name?: unknown } | undefined): string {
  if (typeof body?.name !== 'string' || !body.name) throw new DomainError(ErrorCode.INVALID_INPUT, 'name: expected the name of a schedule');
  return body.name;
}
