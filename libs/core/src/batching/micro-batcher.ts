export interface MicroBatcherOptions {
  /** Most items in one batch. */
  maxBatch?: number;
  /** Most batches running at once. */
  maxInFlight?: number;
}

interface Waiting<In, Out> {
  item: In;
  resolve: (result: Out) => void;
  reject: (error: unknown) => void;
}

/**
 * Groups calls that arrive together into one batch call: a database statement or a Redis round
 * trip for many messages instead of one each. An item that arrives while nothing else waits goes
 * at the next turn of the event loop (no timer, so no added latency when idle); items that arrive
 * while `maxInFlight` batches run go together in the next one, so batches grow with the load.
 *
 * `runBatch` returns one result per item, in order. When it fails for a batch of several, each
 * item runs again on its own, one after another, so an error reaches only the caller whose item
 * caused it and items keep their order.
 */
export class MicroBatcher<In, Out> {
  private readonly maxBatch: number;
  private readonly maxInFlight: number;
  private waiting: Waiting<In, Out>[] = [];
  private inFlight = 0;
  private flushScheduled = false;

  constructor(
    private readonly runBatch: (items: In[]) => Promise<Out[]>,
    options: MicroBatcherOptions = {},
  ) {
    this.maxBatch = options.maxBatch ?? 64;
    this.maxInFlight = options.maxInFlight ?? 2;
  }

  run(item: In): Promise<Out> {
    return new Promise<Out>((resolve, reject) => {
      this.waiting.push({ item, resolve, reject });
      this.scheduleFlush();
    });
  }

  private scheduleFlush(): void {
    if (this.flushScheduled || this.waiting.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.flushScheduled = true;
    // After the current I/O phase, so that items from one burst of events share a batch.
    setImmediate(() => {
      this.flushScheduled = false;
      while (this.waiting.length > 0 && this.inFlight < this.maxInFlight) {
        const batch = this.waiting.splice(0, this.maxBatch);
        this.inFlight++;
        void this.settle(batch).finally(() => {
          this.inFlight--;
          this.scheduleFlush();
        });
      }
    });
  }

  private async settle(batch: Waiting<In, Out>[]): Promise<void> {
    let results: Out[];
    try {
      results = await this.runBatch(batch.map((entry) => entry.item));
      if (results.length !== batch.length) throw new Error(`a batch of ${batch.length} returned ${results.length} results`);
    } catch (error) {
      if (batch.length === 1) return batch[0].reject(error);
      for (const entry of batch) await this.settle([entry]);
      return;
    }
    batch.forEach((entry, index) => entry.resolve(results[index]));
  }
}
