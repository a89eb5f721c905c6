import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { configSchema } from '@switchboard/config';
import { inboundDm } from '@switchboard/testing';
import { MessageRepository, SessionRepository, TurnRepository } from '@switchboard/persistence';
import { Database, openDatabase } from '@switchboard/persistence/database';
import { SessionService } from './session.service';

const message = (chatId: string, text = 'hello') => inboundDm('telegram', chatId, { chatId, text });

describe('SessionService.acceptInbound', () => {
  let db: Database;
  let service: SessionService;

  beforeAll(async () => {
    db = await openDatabase({ dataDir: fs.mkdtempSync(path.join(os.tmpdir(), 'sb-sessions-')) });
    const config = configSchema.parse({ sessions: { reset: 'daily', resetHour: 4 } });
    service = new SessionService(new SessionRepository(db), new MessageRepository(db), config);
  });
  afterAll(() => db.close());

  it('creates the session once, records each activity and stores each message in it', async () => {
    const first = await service.acceptInbound(message('100'), new Date(2026, 10, 21, 10, 0));
    const again = await service.acceptInbound(message('100'), new Date(2026, 10, 21, 11, 0));
    expect(again.session.id).toBe(first.session.id);
    expect(again.session.key).toBe('agent:main:telegram:dm:100');
    expect(again.session.lastActivityAt).toEqual(new Date(2026, 10, 21, 11, 0));
    expect(again.session.resetAt).toBeNull();
    expect(first.message?.sessionId).toBe(first.session.id);
    expect(again.message?.id).not.toBe(first.message?.id);
  });

  it('gives two bots of one platform in the same group two sessions, each storing its own copy of a message', async () => {
    const group = { chatType: 'group' as const, chatId: '-1009', platformMessageId: '77', text: 'hello bots' };
    const toMain = await service.acceptInbound(inboundDm('telegram', '5', group));
    const toSupport = await service.acceptInbound(inboundDm('telegram', '5', { ...group, accountId: 'support' }));

    expect(toMain.session.key).toBe('agent:main:telegram:group:-1009');
    expect(toSupport.session.key).toBe('agent:main:telegram@support:group:-1009');
    expect(toSupport.session.id).not.toBe(toMain.session.id);
    expect(toSupport.session.accountId).toBe('support');
    // The same platform message id, seen by each bot: not a redelivery.
    expect(toSupport.message?.sessionId).toBe(toSupport.session.id);
  });

  it('returns no message for a redelivery of the same platform message', async () => {
    const original = message('150');
    const first = await service.acceptInbound(original);
    const redelivered = await service.acceptInbound({ ...original, text: 'sent again' });
    expect(first.message).not.toBeNull();
    expect(redelivered.message).toBeNull();
    expect(redelivered.session.id).toBe(first.session.id);
  });

  it('resets a stale session so that the new conversation starts with the message that found it stale', async () => {
    const before = await service.acceptInbound(message('200', 'yesterday'), new Date(2026, 10, 21, 23, 0));
    // Stored timestamps come from the database clock, in milliseconds: keep the messages apart.
    await new Promise((resolve) => setTimeout(resolve, 5));
    const nextMorning = new Date(2026, 10, 22, 4, 30);
    const opening = await service.acceptInbound(message('200', 'good morning'), nextMorning);
    const resetAt = opening.session.resetAt!;
    expect(resetAt.getTime()).toBe(opening.message!.createdAt.getTime() - 1);

    const later = await service.acceptInbound(message('200', 'and then'), new Date(2026, 10, 22, 9, 0));
    expect(later.session.resetAt).toEqual(resetAt);
    // The earlier conversation stays, for /resume; the new one is the active one.
    expect(opening.session.conversationId).not.toBe(before.session.conversationId);
    expect(later.session.conversationId).toBe(opening.session.conversationId);
    const { history } = (await new TurnRepository(db).start(later.message!.id, 10))!;
    expect(history.map((entry) => entry.text)).toEqual(['good morning']);
    expect(before.message).not.toBeNull();
  });
});
