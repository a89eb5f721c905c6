import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { FollowingTick, ScheduledPromptRecord, ScheduledPromptRepository, TickFiring } from '@switchboard/persistence';
import { GatewayPrompts, gatewayPromptMessage } from '../background/gateway-prompts';
import { nextRunAfter } from './cron-schedule';
import { ScheduledPrompts } from './scheduled-prompts.service';

// Ticks fired per transaction: one statement stores this many prompts.
const FIRE_PAGE = 1_000;
// Following ticks worked out per round: cron parsing takes up to ~0.5 ms each, and due ticks wait meanwhile.
const FOLLOWING_PAGE = 200;

/**
 * Fires due scheduled prompts. Every replica ticks; each takes a page of due schedules no other
 * replica holds, moves them on to their next tick and stores their ticks' prompts in one
 * transaction (so a tick fires once), then queues the prompts' turns. After downtime a schedule
 * whose tick passed fires once, for its first missed tick, and goes on from the next one to come.
 * The next tick is worked out ahead of time (followingRunAt), so a burst of due ticks costs no
 * cron parsing.
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
    private readonly prompts: GatewayPrompts,
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

  /** Fires every schedule due at `now`; returns how many ticks this replica fired. */
  async tick(now = new Date()): Promise<number> {
    let fired = 0;
    const queueing: Promise<void>[] = [];
    for (;;) {
      const page = await this.schedules.fireDue(now, FIRE_PAGE, (schedule) => this.firing(schedule, now));
      fired += page.fired;
      // Queued while the next page fires; a prompt not queued is queued again by PendingMessageSweeper.
      queueing.push(this.prompts.enqueue(page.prompts));
      if (page.fired + page.disabled < FIRE_PAGE || this.stopped) break;
    }
    await Promise.all(queueing);
    return fired;
  }

  /**
   * Works out the following tick of schedules that have none yet (new, or just fired); true when
   * there may be more. Schedules of one expression and zone at one tick share the work.
   */
  async workOutFollowingTicks(): Promise<boolean> {
    const schedules = await this.schedules.withoutFollowing(FOLLOWING_PAGE);
    const known = new Map<string, Date>();
    const ticks: FollowingTick[] = [];
    const broken: string[] = [];
    for (const schedule of schedules) {
      const key = `${schedule.cronExpression}\n${schedule.timeZone}\n${schedule.nextRunAt.getTime()}`;
      const following = known.get(key) ?? this.orDisable(schedule, () => nextRunAfter({ expression: schedule.cronExpression, timeZone: schedule.timeZone }, schedule.nextRunAt));
      if (!following) {
        broken.push(schedule.id);
        continue;
      }
      known.set(key, following);
      ticks.push({ id: schedule.id, tick: schedule.nextRunAt, following });
    }
    await this.schedules.disable(broken);
    await this.schedules.setFollowing(ticks);
    return schedules.length === FOLLOWING_PAGE;
  }

  /** The tick's firing; null (the schedule is then disabled) when it cannot be worked out. */
  private firing(schedule: ScheduledPromptRecord, now: Date): TickFiring | null {
    return this.orDisable(schedule, () => {
      const { session, prompt } = this.scheduled.promptOf(schedule, schedule.nextRunAt.toISOString());
      return { next: this.nextTick(schedule, now), session, message: gatewayPromptMessage(session, prompt, now) };
    });
  }

  /**
   * `work`'s result, or null with the reason logged when it throws: a schedule whose ticks can no
   * longer be worked out (say, its time zone left the system's zone data) is disabled rather than
   * failing every round for all the others.
   */
  private orDisable<T>(schedule: ScheduledPromptRecord, work: () => T): T | null {
    try {
      return work();
    } catch (error) {
      this.logger.error(
        `schedule ${schedule.name} is disabled: its next tick cannot be worked out (${error instanceof Error ? error.message : error}); ` +
          'fix it with `switchboard cron remove` and `switchboard cron add`',
      );
      return null;
    }
  }

  /** The first tick after `now`: the following tick worked out ahead, unless it passed too (downtime). */
  private nextTick(schedule: ScheduledPromptRecord, now: Date): Date {
    if (schedule.followingRunAt && schedule.followingRunAt > now) return schedule.followingRunAt;
    return nextRunAfter({ expression: schedule.cronExpression, timeZone: schedule.timeZone }, now);
  }

  private tickThenWait(): void {
    this.ticking = this.round().then((waitMs) => {
      if (this.stopped) return;
      this.timer = setTimeout(() => this.tickThenWait(), waitMs);
      this.timer.unref();
    });
  }

  /**
   * One round: fire what is due, then work out following ticks; resolves to the wait before the
   * next: none while following ticks remain, else until the next tick, CRON_POLL_MS at most.
   */
  private async round(): Promise<number> {
    const { pollMs } = this.config.cron;
    try {
      await this.tick();
      if (await this.workOutFollowingTicks()) return 0;
      const nextDue = await this.schedules.nextDueAt();
      return nextDue ? Math.max(0, Math.min(nextDue.getTime() - Date.now(), pollMs)) : pollMs;
    } catch (error) {
      // A page that failed moved nothing on: its schedules fire in the next round.
      this.logger.warn(`firing scheduled prompts failed: ${error instanceof Error ? error.message : error}`);
      return pollMs;
    }
  }
}
