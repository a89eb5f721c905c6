import { Clock } from '../ports/clock.port';
import { DeviceStore } from '../ports/device-store.port';
import { CoreMethodParams } from '../protocol/method-params.schema';
import { ControlPlaneError, DetailCodes, ErrorCodes } from '../protocol/protocol-error';
import { grantScopes } from '../protocol/scopes';
import { MethodRegistry } from '../server/method.registry';

export interface DevicePairDeps {
  devices: DeviceStore;
  clock: Clock;
  /** Broadcasts an event (device.pair.resolved goes to operator.pairing holders). */
  publish(event: string, payload: unknown): void;
}

/** `device.pair.list`, `device.pair.approve` and `device.pair.reject`, backed by the DeviceStore. */
export function registerDevicePairMethods(methods: MethodRegistry, deps: DevicePairDeps): void {
  const { devices, clock, publish } = deps;

  methods.register('device.pair.list', {
    scope: 'operator.pairing',
    schema: CoreMethodParams['device.pair.list'],
    handler: async () => {
      const [pending, paired] = await Promise.all([devices.listPairingRequests(), devices.listDevices()]);
      return { pending, paired };
    },
  });

  methods.register('device.pair.approve', {
    scope: 'operator.pairing',
    schema: CoreMethodParams['device.pair.approve'],
    handler: async ({ requestId }, { connection }) => {
      const request = await devices.findPairingRequest(requestId);
      if (!request) throw unknownRequest(requestId);
      // An approver cannot hand a device more than it holds itself.
      const scopes = grantScopes(request.role, request.scopes, connection.scopes);
      const device = await devices.approve(requestId, scopes, clock.now());
      if (!device) throw unknownRequest(requestId);
      publish('device.pair.resolved', { requestId, deviceId: device.deviceId, decision: 'approved', ts: clock.now() });
      return { requestId, device };
    },
  });

  methods.register('device.pair.reject', {
    scope: 'operator.pairing',
    schema: CoreMethodParams['device.pair.reject'],
    handler: async ({ requestId }) => {
      const request = await devices.reject(requestId);
      if (!request) throw unknownRequest(requestId);
      publish('device.pair.resolved', { requestId, deviceId: request.deviceId, decision: 'rejected', ts: clock.now() });
      return { requestId, deviceId: request.deviceId };
    },
  });
}

function unknownRequest(requestId: string): ControlPlaneError {
  return new ControlPlaneError(ErrorCodes.INVALID_REQUEST, `no pending pairing request ${requestId}`, {
    details: { code: DetailCodes.NOT_FOUND },
  });
}
