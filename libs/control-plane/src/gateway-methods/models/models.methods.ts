import { Injectable } from '@nestjs/common';
import { LlmRouter } from '@switchboard/providers';
import { CoreMethodParams } from '../../ws/protocol/method-params.schema';
import { ControlPlaneServer } from '../../ws/server/control-plane.server';
import { MethodGroup } from '../method-group';

/** `models.list`: the configured model first, then its fallbacks. */
@Injectable()
export class ModelsMethods implements MethodGroup {
  constructor(private readonly router: LlmRouter) {}

  register(server: ControlPlaneServer): void {
    server.registerMethod('models.list', {
      scope: 'operator.read',
      schema: CoreMethodParams['models.list'],
      handler: () => ({
        models: this.router.models().map((id, index) => {
          const colon = id.indexOf(':');
          return { id, provider: id.slice(0, colon), name: id.slice(colon + 1), default: index === 0 };
        }),
      }),
    });
  }
}
