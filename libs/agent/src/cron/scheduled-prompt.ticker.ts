import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { ScheduledPromptRecord, ScheduledPromptRepository } from '@switchboard/persistence';
import { nextRunAfter } from './cron-schedule';
import { ScheduledPrompts } from './scheduled-prompts.service';

const PAGE = 500;

/**
 * Fires due scheduled prompts. Every replica ticks; per due schedule it submits the tick's prompt
 * (stored under the schedule's id and the tick, so a tick fired by two replicas, or again after a
 * crash, is answered once) and then moves the schedule to its next tick after now, which only a
 * replica that read the same tick can do (a claim). After downtime a schedule whose tick passed
 * fires once, for its latest missed tick, and goes on from the next one to come.
 */
@Injectable()
export class ScheduledPromptTicker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ScheduledPromptTicker');
  private timer?: NodeJS.Timeout;
  private ticking: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly schedules: ScheduledPromptRepository,
    private readonly scheduled: ScheduledPrompts,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (this.config.cron.enabled) this.tickThenWait();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.ticking;
  }

  /** Fires every schedule due at `now`; returns how many ticks this replica moved on. */
  async tick(now = new Date()): Promise<number> {
    let fired = 0;
    for (;;) {
      const due = await this.schedules.due(now, PAGE);
      await Promise.all(due.map((schedule) => this.scheduled.fire(schedule, schedule.nextRunAt.toISOString())));
      const won = await this.schedules.advance(due.map((schedule) => ({ id: schedule.id, due: schedule.nextRunAt, next: this.nextTick(schedule, now) })));
      fired += won.size;
      if (due.length < PAGE || this.stopped) return fired;
    }
  }

  private nextTick(schedule: ScheduledPromptRecord, now: Date): Date {
    const after = now > schedule.nextRunAt ? now : schedule.nextRunAt;
    return nextRunAfter({ expression: schedule.cronExpression, timeZone: schedule.timeZone }, after);
  }

  private tickThenWait(): void {
    this.ticking = this.round().then((waitMs) => {
      if (this.stopped) return;
      this.timer = setTimeout(() => this.tickThenWait(), waitMs);
      this.timer.unref();
    });
  }

  /** One round; resolves to the wait before the next: until the next tick, CRON_POLL_MS at most. */
  private async round(): Promise<number> {
    const { pollMs } = this.config.cron;
    try {
      await this.tick();
      const nextDue = await this.schedules.nextDueAt();
      return nextDue ? Math.max(0, Math.min(nextDue.getTime() - Date.now(), pollMs)) : pollMs;
    } catch (error) {
      // Nothing was moved on: the due schedules fire in the next round.
      this.logger.warn(`firing scheduled prompts failed: ${error instanceof Error ? error.message : error}`);
      return pollMs;
    }
  }
}
