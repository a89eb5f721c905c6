import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inboundDm } from '@switchboard/testing';
import { configSchema } from '@switchboard/config';
import type { InboundMessage } from '@switchboard/core';
import { ANY_PLATFORM, AllowlistRepository, PairingRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import { ApprovePairingUseCase } from '../pairing/use-cases/approve-pairing/approve-pairing.use-case';
import { RequestPairingUseCase } from '../pairing/use-cases/request-pairing/request-pairing.use-case';
import { RateLimitStore } from '../rate-limit/rate-limit-store';
import { UserRateLimiter } from '../rate-limit/user-rate-limiter';
import { RuntimeSettings } from '../settings/runtime-settings';
import { AccessLists } from './access-lists';
import { AccessPolicy } from './access-policy';
import { PairingCodeHasher } from '../pairing/pairing-code-hasher';

const CODE = /\b[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}\b/;

/** A message from a new user id each time unless one is given. */
function message(overrides: Partial<InboundMessage> & { userId?: string } = {}): InboundMessage {
  const { userId = randomUUID(), ...rest } = overrides;
  return inboundDm('telegram', userId, { sender: { id: userId, displayName: 'Grace' }, ...rest });
}

const codes = new PairingCodeHasher(configSchema.parse({ security: { pairingCodeSecret: 'a-test-key-of-at-least-32-characters' } }));

describe('AccessPolicy', () => {
  let database: TestDatabase;
  let allowlist: AllowlistRepository;
  let pairing: PairingRepository;
  const clock = { now: () => new Date() };
  const stores: RateLimitStore[] = [];

  /** A policy over the shared database with these settings (schema defaults for the rest). */
  function policy(settings: { security?: object; telegram?: object } = {}): AccessPolicy {
    const config = configSchema.parse({ ...settings, security: { rateLimitPerMinute: 0, rateLimitPerHour: 0, ...settings.security } });
    const store = new RateLimitStore(config);
    stores.push(store);
    const rateLimiter = new UserRateLimiter(config, store);
    return new AccessPolicy(new AccessLists(new RuntimeSettings(config)), allowlist, new RequestPairingUseCase(pairing, codes, clock), rateLimiter);
  }

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await openTestDatabase('pglite');
    allowlist = new AllowlistRepository(database.db);
    pairing = new PairingRepository(database.db);
  });
  afterAll(async () => {
    for (const store of stores) store.onApplicationShutdown();
    await database.close();
  });

  describe('direct messages', () => {
    it('offers an unknown user a pairing code by default', async () => {
      const decision = await policy().evaluate(message());
      expect(decision).toEqual({ kind: 'pairing', reason: 'pairing_code_sent', reply: expect.stringMatching(CODE) });
    });

    it('lets the user in once the code is approved', async () => {
      const gate = policy();
      const stranger = message({ platform: 'slack' });
      const first = await gate.evaluate(stranger);
      const code = first.kind === 'pairing' ? CODE.exec(first.reply)?.[0] : undefined;

      await new ApprovePairingUseCase(pairing, allowlist, codes, clock).execute('slack', code as string, 'cli');

      expect(await gate.evaluate({ ...stranger, platformMessageId: randomUUID() })).toEqual({ kind: 'allow', reason: 'allowlisted' });
    });

    it('ignores an unknown user silently under dmPolicy allowlist', async () => {
      expect(await policy({ telegram: { dmPolicy: 'allowlist' } }).evaluate(message())).toEqual({ kind: 'ignore', reason: 'not_allowlisted' });
    });

    it('lets anyone in under dmPolicy open', async () => {
      expect(await policy({ telegram: { dmPolicy: 'open' } }).evaluate(message())).toEqual({ kind: 'allow', reason: 'dm_open' });
    });

    it('ignores every direct message under dmPolicy disabled, even from allowlisted users and admins', async () => {
      const gate = policy({ telegram: { dmPolicy: 'disabled', allowedUsers: ['friend'] }, security: { adminUsers: ['boss'] } });
      expect(await gate.evaluate(message({ userId: 'friend' }))).toEqual({ kind: 'ignore', reason: 'dm_disabled' });
      expect(await gate.evaluate(message({ userId: 'boss' }))).toEqual({ kind: 'ignore', reason: 'dm_disabled' });
    });

    it('allows users on the database allowlist of the platform or of every platform', async () => {
      await allowlist.add({ platform: 'telegram', userId: 'db-user' });
      await allowlist.add({ platform: ANY_PLATFORM, userId: 'db-everywhere' });
      const gate = policy({ telegram: { dmPolicy: 'allowlist' } });

      expect(await gate.evaluate(message({ userId: 'db-user' }))).toEqual({ kind: 'allow', reason: 'allowlisted' });
      expect(await gate.evaluate(message({ userId: 'db-everywhere', platform: 'discord' }))).toEqual({ kind: 'allow', reason: 'allowlisted' });
      // A telegram entry does not open other platforms.
      expect((await gate.evaluate(message({ userId: 'db-user', platform: 'discord' }))).kind).toBe('pairing');
    });

    it('allows users listed in the configuration, globally or for the platform', async () => {
      const gate = policy({ security: { allowedUsers: ['global'] }, telegram: { allowedUsers: ['tg-only'], dmPolicy: 'allowlist' } });
      expect(await gate.evaluate(message({ userId: 'global', platform: 'slack' }))).toEqual({ kind: 'allow', reason: 'allowlisted' });
      expect(await gate.evaluate(message({ userId: 'tg-only' }))).toEqual({ kind: 'allow', reason: 'allowlisted' });
      expect((await gate.evaluate(message({ userId: 'tg-only', platform: 'slack' }))).kind).toBe('pairing');
    });

    it('allows admins', async () => {
      const gate = policy({ telegram: { adminUsers: ['tg-admin'], dmPolicy: 'allowlist' } });
      expect(await gate.evaluate(message({ userId: 'tg-admin' }))).toEqual({ kind: 'allow', reason: 'admin' });
    });

    it('allows everyone with GATEWAY_ALLOW_ALL_USERS', async () => {
      const gate = policy({ security: { allowAllUsers: true }, telegram: { dmPolicy: 'allowlist' } });
      expect(await gate.evaluate(message())).toEqual({ kind: 'allow', reason: 'allow_all_users' });
    });
  });

  describe('groups', () => {
    const gate = () => policy({ telegram: { allowedGroups: ['-100'] }, security: { allowAllUsers: true } });
    const inGroup = (overrides: Partial<InboundMessage>) => message({ chatType: 'group', chatId: '-100', ...overrides });

    it('ignores groups that are not listed, even with GATEWAY_ALLOW_ALL_USERS and a mention', async () => {
      expect(await gate().evaluate(inGroup({ chatId: '-200', mentionsBot: true }))).toEqual({ kind: 'ignore', reason: 'group_not_allowed' });
    });

    it('ignores messages in a listed group that do not address the bot', async () => {
      expect(await gate().evaluate(inGroup({}))).toEqual({ kind: 'ignore', reason: 'not_addressed' });
    });

    it('lets any member of a listed group address the bot by mention or reply', async () => {
      const strict = policy({ telegram: { allowedGroups: ['-100'], dmPolicy: 'disabled' } });
      expect(await strict.evaluate(inGroup({ mentionsBot: true }))).toEqual({ kind: 'allow', reason: 'group_allowed' });
      expect(await strict.evaluate(inGroup({ repliesToBot: true }))).toEqual({ kind: 'allow', reason: 'group_allowed' });
      expect(await strict.evaluate(inGroup({ chatType: 'thread', threadId: '7', mentionsBot: true }))).toEqual({
        kind: 'allow',
        reason: 'group_allowed',
      });
    });
  });

  describe('rate limits', () => {
    it('refuses an allowed user past the limit and writes to them only once per window', async () => {
      const gate = policy({ security: { allowedUsers: ['chatty'], rateLimitPerMinute: 2 } });
      const decisions = [];
      for (let i = 0; i < 4; i++) decisions.push(await gate.evaluate(message({ userId: 'chatty' })));

      expect(decisions.slice(0, 2)).toEqual([
        { kind: 'allow', reason: 'allowlisted' },
        { kind: 'allow', reason: 'allowlisted' },
      ]);
      expect(decisions[2]).toEqual({
        kind: 'rate_limited',
        reason: 'rate_limited',
        retryAfterMs: expect.any(Number),
        reply: expect.stringMatching(/Please wait (\d+ seconds|1 minute) and try again/),
      });
      expect(decisions[3]).toEqual({ kind: 'rate_limited', reason: 'rate_limited', retryAfterMs: expect.any(Number) });
    });

    it('limits strangers asking for pairing codes too', async () => {
      const gate = policy({ security: { rateLimitPerMinute: 1 } });
      const stranger = message();
      expect((await gate.evaluate(stranger)).kind).toBe('pairing');
      expect((await gate.evaluate(stranger)).kind).toBe('rate_limited');
    });

    it('counts group messages per sender', async () => {
      const gate = policy({ telegram: { allowedGroups: ['-100'] }, security: { rateLimitPerMinute: 1 } });
      const first = message({ chatType: 'group', chatId: '-100', mentionsBot: true, userId: 'a' });
      expect((await gate.evaluate(first)).kind).toBe('allow');
      expect((await gate.evaluate({ ...first, sender: { id: 'b' } })).kind).toBe('allow');
      expect((await gate.evaluate(first)).kind).toBe('rate_limited');
    });
  });
});
