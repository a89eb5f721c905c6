import { Req, Res } from '@nestjs/common';
import type { AllowlistAddRequest, AllowlistImportRequest, AllowlistListQuery } from '../contract/access.schemas';
import { ADMIN_ROUTES as R } from '../contract/routes';
import { consoleActor } from '../http/actor';
import type { AdminPrincipal, AdminReply, AdminRequest } from '../http/admin-request';
import { AdminController, AdminRoute, Input, Principal } from '../http/admin-route.decorator';
import { RequestOrigin } from '../http/request-origin';
import { sendDownload } from '../http/send-stream';
import { AllowlistAdmin } from './allowlist-admin.service';

@AdminController('allowlist')
export class AllowlistController {
  constructor(
    private readonly allowlist: AllowlistAdmin,
    private readonly origin: RequestOrigin,
  ) {}

  @AdminRoute(R.allowlistList)
  list(@Input('query') query: AllowlistListQuery) {
    return this.allowlist.page(query);
  }

  @AdminRoute(R.allowlistExport)
  export(@Input('query') query: { platform?: string }, @Res() reply: AdminReply) {
    return sendDownload(reply, 'text/csv', 'allowlist.csv', this.allowlist.exportCsv(query.platform));
  }

  @AdminRoute(R.allowlistAdd)
  add(@Input('body') body: AllowlistAddRequest, @Principal() p: AdminPrincipal, @Req() request: AdminRequest) {
    return this.allowlist.add(body, consoleActor(p, request, this.origin));
  }

  @AdminRoute(R.allowlistImport)
  import(@Input('body') body: AllowlistImportRequest, @Principal() p: AdminPrincipal, @Req() request: AdminRequest) {
    return this.allowlist.import(body.csv, body.dryRun, consoleActor(p, request, this.origin));
  }

  @AdminRoute(R.allowlistRemove)
  remove(@Input('params') params: { platform: string; userId: string }, @Principal() p: AdminPrincipal, @Req() request: AdminRequest) {
    return this.allowlist.remove(params.platform, params.userId, consoleActor(p, request, this.origin));
  }
}
