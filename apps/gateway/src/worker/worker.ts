import { NestFactory } from '@nestjs/core';
import type { SwitchboardConfig } from '@switchboard/config';
import { AppLogger } from '@switchboard/observability';
import { WorkerModule } from './worker.module';

export interface RunningWorker {
  /** Stops taking jobs, lets the running ones finish (up to the shutdown timeout) and closes. */
  stop(): Promise<void>;
}

/** Starts a worker process's application: it consumes the queues from here on. */
export async function startWorker(config: SwitchboardConfig): Promise<RunningWorker> {
  const app = await NestFactory.createApplicationContext(WorkerModule.forRoot(config), { bufferLogs: true, abortOnError: false });
  app.useLogger(app.get(AppLogger));
  app.flushLogs();
  return { stop: () => app.close() };
}
