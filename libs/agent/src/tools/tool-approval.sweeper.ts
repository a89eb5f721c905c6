import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { InjectConfig, SwitchboardConfig } from '@switchboard/config';
import { ToolCallRepository } from '@switchboard/persistence';
import { ToolApprovals } from '../commands/approval.commands';

const PAGE = 100;

/**
 * Expires the tool calls nobody approved or denied within AGENT_TOOL_APPROVAL_TTL and resumes
 * their turns, so the model is told and the user gets an answer. Sweeps every quarter of the TTL
 * (1 s to 1 min); every replica may sweep, a call is decided once.
 */
@Injectable()
export class ToolApprovalSweeper implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('ToolApprovalSweeper');
  private timer?: NodeJS.Timeout;
  private sweeping: Promise<void> = Promise.resolve();
  private stopped = false;

  constructor(
    private readonly calls: ToolCallRepository,
    private readonly approvals: ToolApprovals,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  onApplicationBootstrap(): void {
    this.sweepThenWait();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.sweeping;
  }

  /** Expires every call past its expiry; returns how many. */
  async sweep(): Promise<number> {
    let expired = 0;
    for (;;) {
      const due = await this.calls.expired(PAGE);
      for (const id of due) if (await this.approvals.decide(id, 'expired', 'expiry')) expired++;
      if (due.length < PAGE || this.stopped) return expired;
    }
  }

  private sweepThenWait(): void {
    this.sweeping = this.sweep().then(
      (expired) => {
        if (expired) this.logger.log(`${expired} tool call(s) expired unanswered: their turns go on`);
      },
      (error: unknown) => this.logger.warn(`expiring tool calls failed: ${error instanceof Error ? error.message : error}`),
    );
    void this.sweeping.then(() => {
      if (this.stopped) return;
      const every = Math.min(60_000, Math.max(1_000, (this.config.agent.toolApprovalTtlSeconds * 1000) / 4));
      this.timer = setTimeout(() => this.sweepThenWait(), every);
      this.timer.unref();
    });
  }
}
