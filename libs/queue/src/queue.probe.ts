import { Inject, Injectable } from '@nestjs/common';
import type { ReadinessProbe } from '@switchboard/core';
import { QUEUE_DRIVER, type QueueDriver } from './queue-driver';

@Injectable()
export class QueueProbe implements ReadinessProbe {
  readonly name = 'queue';

  constructor(@Inject(QUEUE_DRIVER) private readonly queue: QueueDriver) {}

  async check(): Promise<Record<string, unknown>> {
    await this.queue.ping();
    return { driver: this.queue.kind };
  }
}
