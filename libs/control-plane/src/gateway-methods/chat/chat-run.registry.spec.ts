import { describe, expect, it } from 'vitest';
import { ControlPlaneError } from '../../ws/protocol/protocol-error';
import { ChatRunRegistry } from './chat-run.registry';

const untilAborted = (signal: AbortSignal) => new Promise<string>((resolve) => signal.addEventListener('abort', () => resolve('stopped')));

describe('ChatRunRegistry', () => {
  it('refuses a run id that is still running, before the second run starts', async () => {
    const runs = new ChatRunRegistry();
    const first = runs.track('run-1', 'session-a', untilAborted);
    let started = false;
    expect(() => runs.track('run-1', 'session-b', async () => (started = true))).toThrow(ControlPlaneError);
    expect(started).toBe(false);

    runs.abort('session-a');
    await first;
    await expect(runs.track('run-1', 'session-b', async () => 'again')).resolves.toBe('again');
  });

  it('stops a run when its linked signal aborts (the caller left)', async () => {
    const runs = new ChatRunRegistry();
    const caller = new AbortController();
    const run = runs.track('run-1', 'session-a', untilAborted, caller.signal);
    caller.abort();
    await expect(run).resolves.toBe('stopped');
  });

  it('aborts every run at shutdown and waits until they have ended', async () => {
    const runs = new ChatRunRegistry();
    let recorded = 0;
    const record = async (signal: AbortSignal) => {
      await untilAborted(signal);
      await new Promise((resolve) => setTimeout(resolve, 20));
      recorded += 1;
    };
    void runs.track('run-1', 'session-a', record);
    void runs.track('run-2', 'session-b', record);

    await runs.beforeApplicationShutdown();
    expect(recorded).toBe(2);
    expect(runs.abort('session-a')).toEqual([]);
  });
});
