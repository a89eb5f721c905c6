import type { SwitchboardConfig } from '@switchboard/config';
import type { SessionRecord } from '@switchboard/persistence';

/** What a message arriving while the agent answers in its chat does (AGENT_BUSY_MODE). */
export type BusyMode = 'interrupt' | 'queue' | 'merge';

/** The mode the session chose with /busy, else AGENT_BUSY_MODE_BY_PLATFORM's entry for the platform, else AGENT_BUSY_MODE. */
export function busyModeFor(config: SwitchboardConfig, session: Pick<SessionRecord, 'platform' | 'settings'>): BusyMode {
  return session.settings.busyMode ?? config.agent.busyModeByPlatform[session.platform] ?? config.agent.busyMode;
}
