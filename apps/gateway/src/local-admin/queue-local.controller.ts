import { Controller, Get, UseGuards } from '@nestjs/common';
import { DeadLetterSummary } from '@switchboard/queue';
import { LocalAdminGuard } from './local-admin.token';

/** `/api/local/queue`: what `switchboard doctor` reads of the queues while a gateway runs. */
@Controller('api/local/queue')
@UseGuards(LocalAdminGuard)
export class QueueLocalController {
  constructor(private readonly deadLetters: DeadLetterSummary) {}

  @Get('dead-letters')
  listDeadLetters() {
    return this.deadLetters.summarize();
  }
}
