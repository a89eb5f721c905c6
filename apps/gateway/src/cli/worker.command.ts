import { Command } from 'commander';
import { tuneV8ForGateway } from '../v8-tuning';
import { EXIT_CONFIG, GlobalOptions, loadCliConfig } from './cli-config';
import { CliError } from './cli-output';
import { stopOnSignals } from './stop-on-signals';

export function workerCommand(global: () => GlobalOptions): Command {
  return new Command('worker')
    .description(
      'answer queued messages in this process (BullMQ mode): run as many as the load needs, on any machine that reaches the database and Redis',
    )
    .action(async () => {
      const v8Tuning = tuneV8ForGateway();
      const config = loadCliConfig(global());
      if (!config.redis.url) throw new CliError('REDIS_URL (redis.url): a worker needs the BullMQ queues it shares with the gateway', EXIT_CONFIG);
      // Started by a gateway (QUEUE_WORKER_PROCESSES): stop with it, even when it was killed, and
      // also when that happens while this worker is still starting.
      const gatewayGone = process.send ? new Promise<void>((resolve) => process.once('disconnect', resolve)) : undefined;
      const { startWorker } = await import('../worker/worker.js');
      const worker = await startWorker(config);
      v8Tuning.started();
      process.stdout.write(`Switchboard worker ${process.pid} answering queued messages\n`);
      const shutDown = stopOnSignals(worker.stop);
      void gatewayGone?.then(() => shutDown('the gateway process ended'));
    });
}
