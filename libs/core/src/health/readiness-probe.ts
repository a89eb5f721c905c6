/**
 * A part of the gateway that `/ready` reports on (database, queue, each channel).
 * `check` resolves with details when the part works and rejects with a reason when it does not;
 * it must be cheap and bounded in time.
 */
export interface ReadinessProbe {
  readonly name: string;
  check(): Promise<Record<string, unknown>>;
}
