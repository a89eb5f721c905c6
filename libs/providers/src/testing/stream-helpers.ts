// Test-only helpers shared by the provider and router specs.

/** Reads a stream to its end. */
export async function collectEvents<T>(stream: AsyncIterable<T>): Promise<T[]> {
  const events: T[] = [];
  for await (const event of stream) events.push(event);
  return events;
}

/** The text deltas of `events`, joined. */
export function textOf(events: ReadonlyArray<{ type: string; delta?: string }>): string {
  return events.map((event) => (event.type === 'text' ? event.delta : '')).join('');
}

/** Resolves once `condition` holds; rejects after `timeoutMs`. */
export async function until(condition: () => boolean, timeoutMs = 2_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
