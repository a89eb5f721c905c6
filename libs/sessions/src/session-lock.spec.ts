import { describe, expect, it } from 'vitest';
import { buildSessionKey } from './session-key';
import { SessionLock } from './session-lock';

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('SessionLock', () => {
  it('runs one turn per session at a time, in arrival order, and sessions in parallel', async () => {
    const lock = new SessionLock();
    const events: string[] = [];
    const turn = (key: string, name: string, ms: number) =>
      lock.run(key, async () => {
        events.push(`start ${name}`);
        await sleep(ms);
        events.push(`end ${name}`);
      });
    await Promise.all([turn('a', 'a1', 60), turn('a', 'a2', 10), turn('b', 'b1', 20)]);
    expect(events.indexOf('end a1')).toBeLessThan(events.indexOf('start a2'));
    expect(events.indexOf('start b1')).toBeLessThan(events.indexOf('end a1'));
    expect(lock.busyCount).toBe(0);
  });

  it('releases the session when a turn fails', async () => {
    const lock = new SessionLock();
    await expect(lock.run('a', async () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(await lock.run('a', async () => 'next')).toBe('next');
  });
});

describe('buildSessionKey', () => {
  it('keys by agent, platform, chat type, chat and thread', () => {
    expect(buildSessionKey('main', { platform: 'telegram', chatType: 'dm', chatId: '42' })).toBe('agent:main:telegram:dm:42');
    expect(buildSessionKey('main', { platform: 'telegram', chatType: 'thread', chatId: '-100', threadId: '7' })).toBe(
      'agent:main:telegram:thread:-100:7',
    );
  });
});
