import { describe, expect, it } from 'vitest';
import { MicroBatcher } from './micro-batcher';

/** A batch function that records the batches it got and answers after `release()`. */
function recordingBatches(fail: (item: number) => boolean = () => false) {
  const batches: number[][] = [];
  let gates: Array<() => void> = [];
  const runBatch = async (items: number[]): Promise<string[]> => {
    batches.push(items);
    await new Promise<void>((resolve) => gates.push(resolve));
    const bad = items.find(fail);
    if (bad !== undefined) throw new Error(`item ${bad} is bad`);
    return items.map((item) => `done ${item}`);
  };
  const release = async () => {
    // Let scheduled flushes run, then open every batch waiting so far.
    await new Promise((resolve) => setImmediate(resolve));
    const open = gates;
    gates = [];
    open.forEach((gate) => gate());
    await new Promise((resolve) => setImmediate(resolve));
  };
  return { batches, runBatch, release };
}

async function settleAll<T>(promises: Promise<T>[], release: () => Promise<void>): Promise<PromiseSettledResult<T>[]> {
  const all = Promise.allSettled(promises);
  let done = false;
  void all.then(() => (done = true));
  while (!done) await release();
  return all;
}

describe('MicroBatcher', () => {
  it('puts items that arrive together in one batch and answers each caller with its own result', async () => {
    const { batches, runBatch, release } = recordingBatches();
    const batcher = new MicroBatcher(runBatch);

    const results = await settleAll([1, 2, 3].map((item) => batcher.run(item)), release);

    expect(batches).toEqual([[1, 2, 3]]);
    expect(results.map((result) => result.status === 'fulfilled' && result.value)).toEqual(['done 1', 'done 2', 'done 3']);
  });

  it('collects items that arrive while batches run into the next batch', async () => {
    const { batches, runBatch, release } = recordingBatches();
    const batcher = new MicroBatcher(runBatch, { maxInFlight: 1, maxBatch: 3 });

    const first = batcher.run(1);
    await new Promise((resolve) => setImmediate(resolve)); // batch [1] is running
    const later = [2, 3, 4, 5].map((item) => batcher.run(item));
    await settleAll([first, ...later], release);

    expect(batches).toEqual([[1], [2, 3, 4], [5]]);
  });

  it('runs the items of a failed batch one by one, in order, so only the bad one fails', async () => {
    const { batches, runBatch, release } = recordingBatches((item) => item === 2);
    const batcher = new MicroBatcher(runBatch);

    const results = await settleAll([1, 2, 3].map((item) => batcher.run(item)), release);

    expect(batches).toEqual([[1, 2, 3], [1], [2], [3]]);
    expect(results.map((result) => (result.status === 'fulfilled' ? result.value : (result.reason as Error).message))).toEqual([
      'done 1',
      'item 2 is bad',
      'done 3',
    ]);
  });

  it('fails the callers when the batch function returns the wrong number of results', async () => {
    const batcher = new MicroBatcher(async (items: number[]) => items.slice(1));

    await expect(batcher.run(1)).rejects.toThrow('a batch of 1 returned 0 results');
  });
});
