import { Controller, HttpCode, Param, Post, RawBodyRequest, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ChannelRegistry, DomainError, ErrorCode } from '@switchboard/core';
import { IpSurface } from '@switchboard/security';

const ACCOUNT = /^[A-Za-z0-9_-]{1,64}$/;

/**
 * `POST /webhooks/<platform>[/<account>]`: hands the raw request to the platform's adapter, which
 * checks its authenticity, maps it and answers only after the pipeline made it durable.
 */
@Controller('webhooks')
@IpSurface('webhook')
export class WebhookController {
  constructor(private readonly channels: ChannelRegistry) {}

  @Post(':platform')
  @HttpCode(200)
  handleDefault(@Param('platform') platform: string, @Req() req: RawBodyRequest<FastifyRequest>, @Res() reply: FastifyReply) {
    return this.handle(platform, 'default', req, reply);
  }

  @Post(':platform/:account')
  @HttpCode(200)
  handleAccount(
    @Param('platform') platform: string,
    @Param('account') account: string,
    @Req() req: RawBodyRequest<FastifyRequest>,
    @Res() reply: FastifyReply,
  ) {
    return this.handle(platform, account, req, reply);
  }

  private async handle(platform: string, accountId: string, req: RawBodyRequest<FastifyRequest>, reply: FastifyReply) {
    const adapter = this.channels.find(platform);
    if (!adapter?.handleWebhook || !ACCOUNT.test(accountId)) {
      throw new DomainError(ErrorCode.NOT_FOUND, `no webhook for ${platform}/${accountId}`);
    }
    const result = await adapter.handleWebhook({
      accountId,
      headers: req.headers,
      rawBody: req.rawBody ?? Buffer.alloc(0),
      query: req.query as Record<string, string | undefined>,
    });
    await reply
      .code(result.status)
      .headers(result.headers ?? {})
      .send(result.body ?? {});
  }
}
