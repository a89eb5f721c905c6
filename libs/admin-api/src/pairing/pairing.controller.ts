import { Req, Res } from '@nestjs/common';
import type { PairingApproveRequest } from '../contract/access.schemas';
import { ADMIN_ROUTES as R } from '../contract/routes';
import { consoleActor } from '../http/actor';
import type { AdminPrincipal, AdminReply, AdminRequest } from '../http/admin-request';
import { AdminController, AdminRoute, Input, Principal } from '../http/admin-route.decorator';
import { RequestOrigin } from '../http/request-origin';
import { PairingAdmin } from './pairing-admin.service';
import { PairingFeed } from './pairing-feed';

const HEARTBEAT_MS = 15_000;

@AdminController('pairing')
export class PairingController {
  constructor(
    private readonly pairing: PairingAdmin,
    private readonly feed: PairingFeed,
    private readonly origin: RequestOrigin,
  ) {}

  @AdminRoute(R.pairingList)
  async list(@Input('query') query: { platform?: string }) {
    return { items: await this.pairing.list(query.platform) };
  }

  /** Server-sent events: `ready` once listening (reload the list then), then one event per change. */
  @AdminRoute(R.pairingEvents)
  events(@Res() reply: AdminReply): void {
    reply.hijack();
    const out = reply.raw;
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-store', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    out.write('retry: 2000\n\nevent: ready\ndata: {}\n\n');
    const heartbeat = setInterval(() => out.write(': keep-alive\n\n'), HEARTBEAT_MS);
    const unsubscribe = this.feed.subscribe(
      (event) => out.write(`event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`),
      () => {
        clearInterval(heartbeat);
        out.end();
      },
    );
    out.on('close', () => {
      clearInterval(heartbeat);
      unsubscribe();
    });
  }

  @AdminRoute(R.pairingApprove)
  async approve(@Input('body') body: PairingApproveRequest, @Principal() p: AdminPrincipal, @Req() request: AdminRequest) {
    const approved = await this.pairing.approve(body.platform, body.code, consoleActor(p, request, this.origin));
    return { platform: approved.platform, userId: approved.userId, displayName: approved.displayName };
  }

  @AdminRoute(R.pairingDeny)
  deny(@Input('params') params: { id: string }, @Principal() p: AdminPrincipal, @Req() request: AdminRequest) {
    return this.pairing.deny(params.id, consoleActor(p, request, this.origin));
  }
}
