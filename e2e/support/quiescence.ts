const POLL_MS = 100;
// switchboard_messages_pending is recounted once a second: two idle readings further apart than
// that include at least one fresh count.
const SETTLE_MS = 1_500;

interface Backlog {
  /** Accepted messages without a finished turn. */
  pending: number;
  /** Jobs waiting, running or delayed, over every queue. */
  queued: number;
}

/** Reads the backlog from the gateway's /metrics. */
export async function backlogOf(gatewayUrl: string): Promise<Backlog> {
  const text = await (await fetch(`${gatewayUrl}/metrics`)).text();
  const pending = Number(/^switchboard_messages_pending (\d+)$/m.exec(text)?.[1] ?? NaN);
  let queued = 0;
  for (const match of text.matchAll(/^switchboard_queue_depth\{[^}]*state="(waiting|active|delayed)"[^}]*\} (\d+)$/gm)) queued += Number(match[2]);
  return { pending, queued };
}

/**
 * Resolves once the gateway has nothing left to do: no accepted message waits for its answer and
 * no job waits, runs or is scheduled to retry, on readings at least SETTLE_MS apart. What the
 * platform holds then is final, so counts compared after it cannot change later.
 */
export async function waitForQuiescence(gatewayUrl: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let idleSince: number | undefined;
  for (;;) {
    const backlog = await backlogOf(gatewayUrl);
    const idle = backlog.pending === 0 && backlog.queued === 0;
    if (!idle) idleSince = undefined;
    else if (idleSince === undefined) idleSince = Date.now();
    else if (Date.now() - idleSince >= SETTLE_MS) return;
    if (Date.now() > deadline) throw new Error(`the gateway at ${gatewayUrl} never went quiet: ${JSON.stringify(backlog)}`);
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}
