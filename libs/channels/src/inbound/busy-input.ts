import { Inject, Injectable, Logger } from '@nestjs/common';
import { InjectConfig, type SwitchboardConfig } from '@switchboard/config';
import { parseCommand } from '@switchboard/core';
import type { SessionRecord, StoredInbound } from '@switchboard/persistence';
import { CommandPermissions } from '@switchboard/security';
import { TURN_CANCELS, type TurnCancels, busyModeFor } from '@switchboard/sessions';

/**
 * A message stored while the agent may be answering in its session: `/stop` stops the running
 * answer, and so does any other message (not a command) where the busy mode is interrupt; the
 * turn of the newest message then answers everything unanswered (see TurnRunner). Done right after
 * the message is stored, before it is queued, wherever the running turn is (TurnCancels).
 */
@Injectable()
export class BusyInput {
  private readonly logger = new Logger('BusyInput');

  constructor(
    @Inject(TURN_CANCELS) private readonly cancels: TurnCancels,
    private readonly permissions: CommandPermissions,
    @InjectConfig() private readonly config: SwitchboardConfig,
  ) {}

  arrived(message: StoredInbound, session: Pick<SessionRecord, 'key' | 'platform' | 'settings'>): void {
    const sessionKey = session.key;
    const command = parseCommand(message.text);
    const stop = command?.name === 'stop' && this.permissions.canRun(message.platform, message.senderId ?? '', 'stop');
    const interrupt = !command && busyModeFor(this.config, session) === 'interrupt';
    if (!stop && !interrupt) return;
    this.cancels
      .cancel(sessionKey, { reason: stop ? 'stop' : 'interrupt', messageId: message.id })
      .catch((error: unknown) => this.logger.warn(`could not ask ${sessionKey} to stop: ${error instanceof Error ? error.message : error}`));
  }
}
