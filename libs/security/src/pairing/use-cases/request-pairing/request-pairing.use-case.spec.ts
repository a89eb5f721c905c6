import { Logger } from '@nestjs/common';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { inboundDm } from '@switchboard/testing';
import { PairingRepository } from '@switchboard/persistence';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase, uniquePlatform } from '@switchboard/persistence/security/testing-databases';
import { RequestPairingUseCase } from './request-pairing.use-case';
import { configSchema } from '@switchboard/config';
import { PairingCodeHasher } from '../../pairing-code-hasher';

const MINUTE = 60_000;
const CODE = /\b[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}\b/;

const dm = (platform: string, userId: string) => inboundDm(platform, userId);

const codes = new PairingCodeHasher(configSchema.parse({ security: { pairingCodeSecret: 'a-test-key-of-at-least-32-characters' } }));

describe.each(TEST_DATABASE_KINDS)('RequestPairingUseCase on %s', (kind) => {
  let database: TestDatabase;
  let pairing: PairingRepository;
  let current: Date;
  let requestPairing: RequestPairingUseCase;
  const advance = (ms: number) => (current = new Date(current.getTime() + ms));

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await openTestDatabase(kind);
    pairing = new PairingRepository(database.db);
    requestPairing = new RequestPairingUseCase(pairing, codes, { now: () => current });
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });
  afterAll(() => database.close());

  const start = () => (current = new Date('2030-05-01T12:00:00Z'));

  it('sends an unknown user a code valid for an hour and stores only its hash', async () => {
    start();
    const platform = uniquePlatform();
    const logs = [vi.spyOn(Logger.prototype, 'log'), vi.spyOn(Logger.prototype, 'warn')];

    const result = await requestPairing.execute(dm(platform, 'u1'));

    expect(result.reason).toBe('pairing_code_sent');
    const code = CODE.exec(result.reply)?.[0] as string;
    expect(code).toBeDefined();
    expect(result.reply).toContain('1 hour');
    const stored = await pairing.findByCodeHash(codes.hash(code));
    expect(stored).toMatchObject({
      platform,
      userId: 'u1',
      chatId: 'chat-u1',
      displayName: 'User u1',
      status: 'pending',
      expiresAt: new Date(current.getTime() + 60 * MINUTE),
    });
    expect(JSON.stringify(stored)).not.toContain(code);
    // The code is not in any log line.
    const logged = logs.flatMap((spy) => spy.mock.calls.flat()).join(' ');
    expect(logged).toContain(platform);
    expect(logged).not.toContain(code);
  });

  it('tells a user who asks again within 10 minutes that the code is pending, without a new code', async () => {
    start();
    const platform = uniquePlatform();
    await requestPairing.execute(dm(platform, 'u1'));
    advance(9 * MINUTE);

    const again = await requestPairing.execute(dm(platform, 'u1'));

    expect(again.reason).toBe('pairing_pending');
    expect(again.reply).not.toMatch(CODE);
    expect(again.reply).toContain("can't be shown again");
    expect(again.reply).toContain('12:10 UTC');
    expect(await pairing.countPending(platform, current)).toBe(1);
  });

  it('gives a new code after 10 minutes and retires the old one', async () => {
    start();
    const platform = uniquePlatform();
    const first = CODE.exec((await requestPairing.execute(dm(platform, 'u1'))).reply)?.[0] as string;
    advance(10 * MINUTE);

    const second = await requestPairing.execute(dm(platform, 'u1'));

    expect(second.reason).toBe('pairing_code_sent');
    const code = CODE.exec(second.reply)?.[0] as string;
    expect(code).not.toBe(first);
    expect((await pairing.findByCodeHash(codes.hash(first)))?.status).toBe('expired');
    expect(await pairing.listPending(current, platform)).toEqual([expect.objectContaining({ userId: 'u1', createdAt: current })]);
  });

  it('holds at most 3 pending codes per platform', async () => {
    start();
    const platform = uniquePlatform();
    for (const user of ['a', 'b', 'c']) expect((await requestPairing.execute(dm(platform, user))).reason).toBe('pairing_code_sent');

    const fourth = await requestPairing.execute(dm(platform, 'd'));
    expect(fourth.reason).toBe('pairing_full');
    expect(fourth.reply).not.toMatch(CODE);
    // Another platform has its own three.
    expect((await requestPairing.execute(dm(uniquePlatform(), 'd'))).reason).toBe('pairing_code_sent');

    // Once the others expired, the fourth user gets a code.
    advance(60 * MINUTE);
    expect((await requestPairing.execute(dm(platform, 'd'))).reason).toBe('pairing_code_sent');
  });

  it('lets a user with a pending code replace it when the platform is full', async () => {
    start();
    const platform = uniquePlatform();
    for (const user of ['a', 'b', 'c']) await requestPairing.execute(dm(platform, user));
    advance(11 * MINUTE);

    expect((await requestPairing.execute(dm(platform, 'a'))).reason).toBe('pairing_code_sent');
    expect(await pairing.countPending(platform, current)).toBe(3);
  });

  it('asks a recently revoked user to wait before a new code', async () => {
    start();
    const platform = uniquePlatform();
    await requestPairing.execute(dm(platform, 'u1'));
    await pairing.resolvePendingForUser(platform, 'u1', 'revoked', current);
    advance(MINUTE);

    const result = await requestPairing.execute(dm(platform, 'u1'));
    expect(result).toEqual({ reason: 'pairing_cooldown', reply: expect.stringContaining('after 12:10 UTC') });
  });
});
