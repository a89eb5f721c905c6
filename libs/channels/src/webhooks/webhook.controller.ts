import { Controller, Get, HttpCode, Param, Post, Req, Res } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChannelRegistry, DEFAULT_ACCOUNT, DomainError, ErrorCode, type WebhookMethod } from '@switchboard/core';
import { SwitchboardMetrics } from '@switchboard/observability';
import { RuntimeSettings } from '@switchboard/security';
import { UNPARSED_BODY } from './body-parsers';

/**
 * `POST /webhooks/<platform>[/<account>]`: hands the raw request to the adapter of that account of
 * the platform (`default` without one; an account that is not configured is 404), which
 * checks its authenticity, maps it and answers only after the pipeline made it durable. The body
 * reaches the adapter unparsed (UNPARSED_BODY): a request with a wrong secret costs no parsing.
 * `GET` on the same paths reaches adapters that list it in `webhookMethods` (URL checks such as
 * WeCom's echostr); the others answer 405.
 */
@Controller('webhooks')
export class WebhookController {
  constructor(
    private readonly channels: ChannelRegistry,
    private readonly metrics: SwitchboardMetrics,
    private readonly settings: RuntimeSettings,
  ) {}

  @Post(':platform')
  @HttpCode(200)
  @RouteConfig(UNPARSED_BODY)
  handleDefault(@Param('platform') platform: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.handle(platform, DEFAULT_ACCOUNT, req, reply);
  }

  @Get(':platform')
  verifyDefault(@Param('platform') platform: string, @Req() req: FastifyRequest, @Res() reply: FastifyReply) {
    return this.handle(platform, DEFAULT_ACCOUNT, req, reply);
  }

  @Get(':platform/:account')
  verifyAccount(
    @Param('platform') platform: string,
    @Param('account') account: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.handle(platform, account, req, reply);
  }

  @Post(':platform/:account')
  @HttpCode(200)
  @RouteConfig(UNPARSED_BODY)
  handleAccount(
    @Param('platform') platform: string,
    @Param('account') account: string,
    @Req() req: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return this.handle(platform, account, req, reply);
  }

  private async handle(platform: string, accountId: string, req: FastifyRequest, reply: FastifyReply) {
    const adapter = this.channels.find(platform, accountId);
    if (!adapter?.handleWebhook) {
      throw new DomainError(ErrorCode.NOT_FOUND, `no webhook for ${platform}/${accountId}`);
    }
    const method = req.method as WebhookMethod;
    const allowed = adapter.webhookMethods ?? ['POST'];
    if (!allowed.includes(method)) {
      await reply.code(405).header('allow', allowed.join(', ')).send({ error: `${platform} webhooks take ${allowed.join(', ')}` });
      return;
    }
    // 503, not 404: the platform keeps the update and delivers it again once the channel is enabled.
    if (!this.settings.channelEnabled(platform)) throw new DomainError(ErrorCode.TEMPORARY, `${platform} is disabled by an operator`);
    const result = await adapter.handleWebhook({
      method,
      accountId,
      headers: req.headers,
      // A Buffer for JSON and URL-encoded bodies (UNPARSED_BODY); nothing else is accepted.
      rawBody: Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0),
      query: req.query as Record<string, string | undefined>,
    });
    if (result.status === 401 || result.status === 403) this.metrics.webhooksRejected.inc({ platform });
    await reply
      .code(result.status)
      .headers(result.headers ?? {})
      .send(result.body ?? {});
  }
}
