/**
 * Carries control-plane events between the gateway replicas of one deployment, so a client sees a
 * chat run or a pairing request whichever replica it is connected to. Each replica hands its own
 * events to its own connections directly; the bus brings it the other replicas' events.
 */
export interface ReplicaBus {
  /** Sends an event (its payload already serialized) to the other replicas. Never throws. */
  publish(event: string, payloadJson: string): void;
  /** Calls `deliver` for each event another replica publishes. */
  subscribe(deliver: (event: string, payloadJson: string) => void): void;
}

/** Nest token of the ReplicaBus; its value is null when this gateway is the only one (no Redis). */
export const REPLICA_BUS = Symbol('REPLICA_BUS');

/** The internal event by which a replica tells the others that a device was revoked. */
export const DEVICE_REVOKED = 'replica.device.revoked';
