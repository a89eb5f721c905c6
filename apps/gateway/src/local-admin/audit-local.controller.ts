import { Controller, Get, Query, Res, UseGuards } from '@nestjs/common';
import { Readable } from 'node:stream';
import type { FastifyReply } from 'fastify';
import { AuditAdminService } from '@switchboard/admin-api';
import { DomainError, ErrorCode } from '@switchboard/core';
import { LocalAdminGuard } from './local-admin.token';

/** `/api/local/audit/*`: `switchboard audit` while a gateway runs. */
@Controller('api/local/audit')
@UseGuards(LocalAdminGuard)
export class AuditLocalController {
  constructor(private readonly audit: AuditAdminService) {}

  @Get('verify')
  verify() {
    return this.audit.verify();
  }

  @Get('export')
  export(@Query('format') format: string, @Res() reply: FastifyReply) {
    if (format !== 'csv' && format !== 'jsonl') throw new DomainError(ErrorCode.INVALID_INPUT, 'format: expected csv or jsonl');
    return reply.header('content-type', 'text/plain; charset=utf-8').send(Readable.from(this.audit.export(format)));
  }
}
