import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { inboundDm } from '@switchboard/testing';
import { MessageRepository, SessionRepository } from '@switchboard/persistence';
import { Database, openDatabase } from '@switchboard/persistence/database';
import { SessionService } from './session.service';

const message = (chatId: string) => inboundDm('telegram', chatId, { chatId, platformMessageId: `${chatId}:1` });

describe('SessionService.openFor', () => {
  let db: Database;
  let service: SessionService;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'sb-sessions-')) });
    const config = configSchema.parse({ sessions: { reset: 'daily', resetHour: 4 } });
    service = new SessionService(new SessionRepository(db), new MessageRepository(db), config);
  });
  afterAll(() => db.close());

  it('creates the session once and records each activity', async () => {
    const first = await service.openFor(message('100'), new Date(2026, 10, 21, 10, 0));
    const again = await service.openFor(message('100'), new Date(2026, 10, 21, 11, 0));
    expect(again.id).toBe(first.id);
    expect(again.key).toBe('agent:main:telegram:dm:100');
    expect(again.lastActivityAt).toEqual(new Date(2026, 10, 21, 11, 0));
    expect(again.resetAt).toBeNull();
  });

  it('resets a session whose last activity was before the daily reset hour passed', async () => {
    await service.openFor(message('200'), new Date(2026, 10, 21, 23, 0));
    const nextMorning = new Date(2026, 10, 22, 4, 30);
    const session = await service.openFor(message('200'), nextMorning);
    expect(session.resetAt).toEqual(nextMorning);
    const sameDay = await service.openFor(message('200'), new Date(2026, 10, 22, 9, 0));
    expect(sameDay.resetAt).toEqual(nextMorning);
  });
});
