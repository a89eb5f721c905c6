import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { toOpenAiError } from './openai-error';

/** `/v1/*` answers errors as OpenAI does, so its clients raise their usual error classes. */
@Catch()
export class OpenAiErrorFilter implements ExceptionFilter {
  private readonly logger = new Logger('OpenAiApi');

  catch(error: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const mapped = toOpenAiError(error, this.logger);
    // A stream that failed after its headers were sent reports the error inside the stream.
    if (reply.sent) return;
    void reply.code(mapped.status).headers(mapped.headers).send(mapped.body);
  }
}
