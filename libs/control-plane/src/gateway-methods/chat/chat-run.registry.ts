import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import { ControlPlaneError, DetailCodes, ErrorCodes } from '../../ws/protocol/protocol-error';

interface ActiveRun {
  sessionKey: string;
  controller: AbortController;
  done: Promise<unknown>;
}

/** The chat and agent runs in progress, so that `chat.abort`, `sessions.delete` and shutdown can stop them. */
@Injectable()
export class ChatRunRegistry implements BeforeApplicationShutdown {
  private readonly runs = new Map<string, ActiveRun>();

  /**
   * Runs `work` under `runId` with a signal that aborts on `abort()`, on shutdown, or with `linked`.
   * Throws at once (not in the promise) when a run with this id is still going.
   */
  track<T>(runId: string, sessionKey: string, work: (signal: AbortSignal) => Promise<T>, linked?: AbortSignal): Promise<T> {
    if (this.runs.has(runId)) {
      throw new ControlPlaneError(ErrorCodes.INVALID_REQUEST, `run ${runId} is already running`, { details: { code: DetailCodes.INVALID_PARAMS } });
    }
    const controller = new AbortController();
    const signal = linked ? AbortSignal.any([controller.signal, linked]) : controller.signal;
    const done = work(signal).finally(() => this.runs.delete(runId));
    this.runs.set(runId, { sessionKey, controller, done });
    return done;
  }

  /** Stops the session's runs (only `runId` when given); returns the ids stopped. */
  abort(sessionKey: string, runId?: string): string[] {
    const stopped: string[] = [];
    for (const [id, run] of this.runs) {
      if (run.sessionKey !== sessionKey || (runId !== undefined && id !== runId)) continue;
      run.controller.abort(new Error('aborted by the client'));
      stopped.push(id);
    }
    return stopped;
  }

  // Before the database closes: the runs record how they ended.
  async beforeApplicationShutdown(): Promise<void> {
    const running = [...this.runs.values()];
    for (const run of running) run.controller.abort(new Error('the gateway is shutting down'));
    await Promise.allSettled(running.map((run) => run.done));
  }
}
