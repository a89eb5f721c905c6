import { randomUUID } from 'node:crypto';
import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { DomainError, ErrorCode } from '@switchboard/core';

const STATUS: Record<ErrorCode, number> = {
  INVALID_INPUT: 400,
  AUTH_FAILED: 401,
  NOT_FOUND: 404,
  CONFLICT: 409,
  RATE_LIMITED: 429,
  PERMANENT: 422,
  TEMPORARY: 503,
};

/**
 * HTTP answers for errors: a DomainError by its code, Nest's HttpExceptions as they are, and
 * anything else as 500 with an errorId that is logged with the cause (the client sees no detail).
 */
@Catch()
export class DomainErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('Http');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (error instanceof DomainError) {
      if (error.retryAfterMs) void reply.header('retry-after', Math.ceil(error.retryAfterMs / 1000));
      void reply.code(STATUS[error.code]).send({ error: { code: error.code, message: error.userMessage ?? error.message } });
      return;
    }
    if (error instanceof HttpException) {
      void reply.code(error.getStatus()).send(error.getResponse());
      return;
    }
    const errorId = randomUUID();
    this.logger.error({ msg: 'unhandled error', errorId, err: error });
    void reply.code(500).send({ error: { code: 'INTERNAL', message: 'internal error', errorId } });
  }
}
