import { type ChildProcess, spawn } from 'node:child_process';
import {
  BeforeApplicationShutdown,
  DynamicModule,
  Inject,
  Injectable,
  Logger,
  Module,
  OnApplicationBootstrap,
} from '@nestjs/common';
import { InjectConfig, type SwitchboardConfig } from '@switchboard/config';
import type { ReadinessProbe } from '@switchboard/core';
import { childCli } from '../cli/child-cli';

const RESTART_DELAY_MS = 1_000;
// Past the workers' own drain time, before they are killed.
const STOP_MARGIN_MS = 2_000;
const CONFIG_FILE = Symbol('WORKER_CONFIG_FILE');

/**
 * The worker processes a gateway runs beside itself (QUEUE_WORKER_PROCESSES): each runs
 * `switchboard worker` with the gateway's configuration. One that exits is started again; at
 * shutdown each gets SIGTERM (it drains its jobs) once the gateway stopped taking input.
 */
@Injectable()
export class WorkerProcesses implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger('WorkerProcesses');
  private readonly children = new Set<ChildProcess>();
  private stopping = false;

  constructor(
    @InjectConfig() private readonly config: SwitchboardConfig,
    @Inject(CONFIG_FILE) private readonly configFile: string | undefined,
  ) {}

  onApplicationBootstrap(): void {
    for (let number = 1; number <= this.config.queue.workerProcesses; number++) this.start(number);
  }

  get running(): number {
    return this.children.size;
  }

  async beforeApplicationShutdown(): Promise<void> {
    this.stopping = true;
    const exits = [...this.children].map((child) => new Promise<void>((resolve) => child.once('exit', () => resolve())));
    for (const child of this.children) child.kill('SIGTERM');
    const killer = setTimeout(() => {
      for (const child of this.children) child.kill('SIGKILL');
    }, this.config.gateway.shutdownTimeoutMs + STOP_MARGIN_MS);
    await Promise.all(exits);
    clearTimeout(killer);
  }

  private start(number: number): void {
    const worker = childCli(['worker'], this.configFile);
    // The IPC channel closes when the gateway dies however it dies: the worker then stops too.
    const child = spawn(worker.file, [...process.execArgv, ...worker.args], { env: worker.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.children.add(child);
    child.once('exit', (code, signal) => {
      this.children.delete(child);
      if (this.stopping) return;
      this.logger.error(`worker ${number} (pid ${child.pid}) exited with ${signal ?? code}; starting it again`);
      setTimeout(() => this.stopping || this.start(number), RESTART_DELAY_MS).unref();
    });
  }
}

/** /ready: every worker process is running. */
@Injectable()
export class WorkerProcessesProbe implements ReadinessProbe {
  readonly name = 'workers';

  constructor(
    private readonly workers: WorkerProcesses,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  async check(): Promise<Record<string, unknown>> {
    const expected = this.config.queue.workerProcesses;
    if (this.workers.running < expected) {
      throw new Error(`${this.workers.running} of ${expected} worker processes running`);
    }
    return { running: this.workers.running };
  }
}

@Module({})
export class WorkerProcessesModule {
  /** `configFile`: the gateway's --config, handed to the workers. */
  static forRoot(configFile: string | undefined): DynamicModule {
    return {
      module: WorkerProcessesModule,
      providers: [{ provide: CONFIG_FILE, useValue: configFile }, WorkerProcesses, WorkerProcessesProbe],
      exports: [WorkerProcessesProbe],
    };
  }
}
