import { GatewaySnapshot } from '../ports/gateway-snapshot.port';
import { CoreMethodParams } from '../protocol/method-params.schema';
import { MethodRegistry } from '../server/method.registry';

/** `health`, `status` and `system-presence`, read from the gateway's snapshot port. */
export function registerGatewayStatusMethods(methods: MethodRegistry, snapshot: GatewaySnapshot): void {
  methods.register('health', {
    scope: 'operator.read',
    schema: CoreMethodParams.health,
    handler: ({ probe }) => snapshot.health({ probe }),
  });
  methods.register('status', {
    scope: 'operator.read',
    schema: CoreMethodParams.status,
    handler: () => snapshot.status(),
  });
  methods.register('system-presence', {
    scope: 'operator.read',
    schema: CoreMethodParams['system-presence'],
    handler: async () => (await snapshot.current()).presence,
  });
}
