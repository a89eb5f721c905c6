import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { inboundDm } from '@switchboard/testing';
import { DomainError, ErrorCode } from '@switchboard/core';
import { AllowlistRepository, PairingRepository } from '@switchboard/persistence';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase, uniquePlatform } from '@switchboard/persistence/security/testing-databases';
import { RequestPairingUseCase } from '../request-pairing/request-pairing.use-case';
import { ApprovePairingUseCase } from './approve-pairing.use-case';
import { configSchema } from '@switchboard/config';
import { PairingCodeHasher } from '../../pairing-code-hasher';

const MINUTE = 60_000;
const CODE = /\b[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}\b/;

const dm = (platform: string, userId: string) => inboundDm(platform, userId);

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

const codes = new PairingCodeHasher(configSchema.parse({ security: { pairingCodeSecret: 'a-test-key-of-at-least-32-characters' } }));

describe.each(TEST_DATABASE_KINDS)('ApprovePairingUseCase on %s', (kind) => {
  let database: TestDatabase;
  let pairing: PairingRepository;
  let allowlist: AllowlistRepository;
  let current: Date;
  let approve: ApprovePairingUseCase;
  let requestPairing: RequestPairingUseCase;
  let platform: string;
  const advance = (ms: number) => (current = new Date(current.getTime() + ms));

  /** The code a new user of the platform gets when they DM the bot. */
  const codeFor = async (userId: string, on = platform) => CODE.exec((await requestPairing.execute(dm(on, userId))).reply)?.[0] as string;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await openTestDatabase(kind);
    pairing = new PairingRepository(database.db);
    allowlist = new AllowlistRepository(database.db);
    const clock = { now: () => current };
    approve = new ApprovePairingUseCase(pairing, allowlist, codes, clock);
    requestPairing = new RequestPairingUseCase(pairing, codes, clock);
  });
  beforeEach(() => {
    current = new Date('2030-05-01T12:00:00Z');
    platform = uniquePlatform();
  });
  afterAll(() => database.close());

  it('says which account of the platform the user asked through, so that one tells them', async () => {
    const code = CODE.exec((await requestPairing.execute(inboundDm(platform, 'u2', { accountId: 'support' }))).reply)?.[0] as string;
    expect(await approve.execute(platform, code, 'cli')).toMatchObject({ accountId: 'support', userId: 'u2' });
  });

  it('adds the user to the platform allowlist and says whom to tell', async () => {
    const code = await codeFor('u1');
    expect(await allowlist.isAllowed(platform, 'u1')).toBe(false);

    const approved = await approve.execute(platform, code.toLowerCase(), 'cli');

    expect(approved).toEqual({ platform, accountId: 'default', userId: 'u1', chatId: 'chat-u1', displayName: 'User u1' });
    expect(await allowlist.isAllowed(platform, 'u1')).toBe(true);
    expect(await allowlist.list(platform)).toEqual([expect.objectContaining({ userId: 'u1', createdBy: 'cli' })]);
    expect(await pairing.listPending(current, platform)).toEqual([]);
  });

  it('refuses an unknown code and counts the failure', async () => {
    await codeFor('u1');

    const error = await rejection(approve.execute(platform, 'ABCD2345', 'cli'));

    expect(error.code).toBe(ErrorCode.NOT_FOUND);
    expect(error.message).toContain('unknown pairing code');
    expect((await pairing.findApprovalGuard(platform))?.failures).toBe(1);
    expect(await allowlist.isAllowed(platform, 'u1')).toBe(false);
  });

  it('refuses a code issued for another platform', async () => {
    const code = await codeFor('u1');
    const error = await rejection(approve.execute(uniquePlatform(), code, 'cli'));
    expect(error.code).toBe(ErrorCode.NOT_FOUND);
  });

  it('refuses an expired code with advice, without counting a failure', async () => {
    const code = await codeFor('u1');
    advance(60 * MINUTE);

    const error = await rejection(approve.execute(platform, code, 'cli'));

    expect(error.message).toBe('code expired; ask the user to message the bot again for a new one');
    expect(await pairing.findApprovalGuard(platform)).toBeNull();
    expect(await allowlist.isAllowed(platform, 'u1')).toBe(false);
  });

  it('refuses a code approved before', async () => {
    const code = await codeFor('u1');
    await approve.execute(platform, code, 'cli');
    const error = await rejection(approve.execute(platform, code, 'cli'));
    expect(error.code).toBe(ErrorCode.CONFLICT);
  });

  it('locks approvals for an hour after 5 failures, even for a right code', async () => {
    const code = await codeFor('u1');
    for (let i = 0; i < 5; i++) await rejection(approve.execute(platform, 'WRONG222', 'cli'));
    advance(MINUTE);

    const locked = await rejection(approve.execute(platform, code, 'cli'));

    expect(locked.code).toBe(ErrorCode.RATE_LIMITED);
    expect(locked.message).toBe('too many failed approvals; try again after 13:00 UTC');
    expect(locked.retryAfterMs).toBe(59 * MINUTE);
    expect(await allowlist.isAllowed(platform, 'u1')).toBe(false);
    // Other platforms are not locked.
    const other = uniquePlatform();
    await expect(approve.execute(other, await codeFor('u2', other), 'cli')).resolves.toMatchObject({ userId: 'u2' });

    // After the hour, a fresh code is approved (the first one expired meanwhile).
    advance(59 * MINUTE);
    const fresh = await codeFor('u1');
    await expect(approve.execute(platform, fresh, 'cli')).resolves.toMatchObject({ userId: 'u1' });
  });

  it('does not lock for 4 failures, nor for failures spread over more than an hour', async () => {
    for (let i = 0; i < 4; i++) await rejection(approve.execute(platform, 'WRONG222', 'cli'));
    advance(61 * MINUTE);
    await rejection(approve.execute(platform, 'WRONG222', 'cli'));

    const code = await codeFor('u1');
    await expect(approve.execute(platform, code, 'cli')).resolves.toMatchObject({ userId: 'u1' });
  });

  it('never logs the code', async () => {
    const spies = [vi.spyOn(Logger.prototype, 'log'), vi.spyOn(Logger.prototype, 'warn')];
    const code = await codeFor('u1');
    for (let i = 0; i < 5; i++) await rejection(approve.execute(platform, code.slice(0, 7) + (code[7] === 'A' ? 'B' : 'A'), 'cli'));
    advance(60 * MINUTE);
    await approve.execute(platform, await codeFor('u1'), 'cli');

    const logged = spies.flatMap((spy) => spy.mock.calls.flat()).join('\n');
    expect(logged).toContain('locked');
    expect(logged).toContain('approved');
    expect(logged).not.toMatch(CODE);
    vi.restoreAllMocks();
  });
});
