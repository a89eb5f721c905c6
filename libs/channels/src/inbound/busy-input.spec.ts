import { describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import type { SessionRecord, SessionSettings, StoredInbound } from '@switchboard/persistence';
import { AccessLists, CommandPermissions, RuntimeSettings } from '@switchboard/security';
import { InProcessTurnCancels, type TurnCancelRequest } from '@switchboard/sessions';
import { BusyInput } from './busy-input';

/** What the running turn of the session hears when `text` arrives under these settings. */
async function heardAfter(text: string, settings: Record<string, unknown> = {}, senderId = 'ada', busyMode: SessionSettings['busyMode'] = null): Promise<TurnCancelRequest[]> {
  const config = configSchema.parse(settings);
  const cancels = new InProcessTurnCancels();
  const heard: TurnCancelRequest[] = [];
  cancels.watch('session', (request) => heard.push(request));
  const message = { id: 'new-message', platform: 'telegram', senderId, text } as StoredInbound;
  new BusyInput(cancels, new CommandPermissions(new RuntimeSettings(config), new AccessLists(new RuntimeSettings(config))), config).arrived(message, { key: 'session', platform: 'telegram', settings: { busyMode } as SessionRecord['settings'] });
  await Promise.resolve();
  return heard;
}

describe('BusyInput', () => {
  it('stops the running answer for any message in interrupt mode (the default), but not for a command', async () => {
    expect(await heardAfter('and another thing')).toEqual([{ reason: 'interrupt', messageId: 'new-message' }]);
    expect(await heardAfter('/status')).toEqual([]);
  });

  it('lets the running answer finish in queue and merge mode, set globally or per platform', async () => {
    expect(await heardAfter('and another thing', { agent: { busyMode: 'queue' } })).toEqual([]);
    expect(await heardAfter('and another thing', { agent: { busyModeByPlatform: { telegram: 'merge' } } })).toEqual([]);
    expect(await heardAfter('and another thing', { agent: { busyMode: 'merge', busyModeByPlatform: { telegram: 'interrupt' } } })).toHaveLength(1);
  });

  it('follows the mode the chat chose with /busy before the platform and global ones', async () => {
    expect(await heardAfter('and another thing', {}, 'ada', 'queue')).toEqual([]);
    expect(await heardAfter('and another thing', { agent: { busyMode: 'merge' } }, 'ada', 'interrupt')).toHaveLength(1);
  });

  it('stops it for /stop in every mode, unless the sender may not run /stop', async () => {
    expect(await heardAfter('/stop', { agent: { busyMode: 'queue' } })).toEqual([{ reason: 'stop', messageId: 'new-message' }]);
    expect(await heardAfter('/stop@switchboard_bot')).toEqual([{ reason: 'stop', messageId: 'new-message' }]);
    expect(await heardAfter('/stop', { security: { commandPermissions: 'stop:admins' } })).toEqual([]);
  });
});
