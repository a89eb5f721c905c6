/**
 * Carries events between the gateway replicas of one deployment (and its worker processes), so
 * what one replica did reaches the others: a chat run or pairing request a control-plane client
 * follows on another replica, a settings change every replica must apply. Each replica acts on its
 * own events directly; the bus brings it the other replicas' events.
 */
export interface ReplicaBus {
  /** Sends an event (its payload already serialized) to the other replicas. Never throws. */
  publish(event: string, payloadJson: string): void;
  /** Calls `deliver` for each event another replica publishes. */
  subscribe(deliver: (event: string, payloadJson: string) => void): void;
}
