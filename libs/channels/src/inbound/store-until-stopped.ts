import { setTimeout as sleep } from 'node:timers/promises';
import type { InboundMessage, InboundOutcome, InboundSink } from '@switchboard/core';

const RETRY_FIRST_MS = 500;
const RETRY_MAX_MS = 30_000;

/**
 * Hands a message that arrived over a long connection to the sink, retrying with backoff (0.5 s
 * doubling to 30 s) while the sink fails (the database away, a full backlog), since the platform
 * will not deliver it again once it counts it received. Resolves with the sink's outcome. Only
 * `stopping` ends the retries; the last failure is then thrown, and the message is lost.
 */
export async function storeUntilStopped(
  sink: InboundSink,
  message: InboundMessage,
  stopping: AbortSignal,
  onRetry: (error: unknown, delayMs: number) => void,
): Promise<InboundOutcome> {
  for (let delay = RETRY_FIRST_MS; ; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
    try {
      return await sink(message);
    } catch (error) {
      if (stopping.aborted) throw error;
      onRetry(error, delay);
      await sleep(delay, undefined, { signal: stopping }).catch(() => undefined);
    }
  }
}
