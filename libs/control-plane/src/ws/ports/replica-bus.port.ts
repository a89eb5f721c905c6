export type { ReplicaBus } from '@switchboard/core';

/** Nest token of the control plane's ReplicaBus; its value is null when this gateway is the only one (no Redis). */
export const REPLICA_BUS = Symbol('REPLICA_BUS');

/** The internal event by which a replica tells the others that a device was revoked. */
export const DEVICE_REVOKED = 'replica.device.revoked';
