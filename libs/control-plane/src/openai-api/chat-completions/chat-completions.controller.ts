import { Readable } from 'node:stream';
import { Body, Controller, Headers, HttpCode, Logger, Post, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { SwitchboardMetrics } from '@switchboard/observability';
import type { ApiKeyRecord } from '@switchboard/persistence';
import { ApiKeyGuard, CurrentApiKey, RequireScope } from '../auth/api-key.guard';
import { OpenAiErrorFilter } from '../errors/openai-error.filter';
import { ApiKeyRateLimitGuard } from '../rate-limit/api-key-rate-limit.guard';
import { parseChatCompletionRequest } from './chat-completion.request';
import { collectCompletion } from './chat-completion.response';
import { SSE_HEADERS, completionStream } from './chat-completion.stream';
import { SESSION_KEY_HEADER } from './conversation';
import { CreateChatCompletionUseCase } from './create-chat-completion.use-case';

/** `POST /v1/chat/completions`, OpenAI-compatible, streaming or not. */
@Controller('v1')
@UseFilters(OpenAiErrorFilter)
@UseGuards(ApiKeyGuard)
export class ChatCompletionsController {
  private readonly logger = new Logger('OpenAiApi');

  constructor(
    private readonly completions: CreateChatCompletionUseCase,
    private readonly metrics: SwitchboardMetrics,
  ) {}

  @Post('chat/completions')
  @HttpCode(200)
  @RequireScope('chat')
  @UseGuards(ApiKeyRateLimitGuard)
  async create(
    @CurrentApiKey() key: ApiKeyRecord,
    @Body() body: unknown,
    @Headers(SESSION_KEY_HEADER) sessionKey: string | undefined,
    @Res() reply: FastifyReply,
  ): Promise<void> {
    const request = parseChatCompletionRequest(body);
    this.metrics.messagesIn.inc({ platform: 'api', outcome: 'accepted' });
    const signal = abortWhenClientLeaves(reply);
    try {
      const completion = await this.completions.execute(key, request, sessionKey, signal);
      if (request.stream) {
        const includeUsage = request.stream_options?.include_usage === true;
        void reply.headers(SSE_HEADERS).send(Readable.from(completionStream(completion, { includeUsage, signal, logger: this.logger })));
      } else {
        void reply.send(await collectCompletion(completion));
      }
    } catch (error) {
      // Nobody is left to tell.
      if (signal.aborted) return;
      throw error;
    }
  }
}

/** Aborted when the connection closes before the response was complete: the model stops. */
function abortWhenClientLeaves(reply: FastifyReply): AbortSignal {
  const controller = new AbortController();
  reply.raw.on('close', () => {
    if (!reply.raw.writableFinished) controller.abort(new Error('the client closed the connection'));
  });
  return controller.signal;
}
