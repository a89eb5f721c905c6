import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { inboundDm } from '@switchboard/testing';
import { configSchema } from '@switchboard/config';
import { ErrorCode } from '@switchboard/core';
import { ANY_PLATFORM, AllowlistRepository, PairingRepository } from '@switchboard/persistence';
import { TestDatabase, openTestDatabase, uniquePlatform } from '@switchboard/persistence/security/testing-databases';
import { AccessLists } from '../../../access/access-lists';
import { RuntimeSettings } from '../../../settings/runtime-settings';
import { ApprovePairingUseCase } from '../approve-pairing/approve-pairing.use-case';
import { ListPendingPairingsUseCase } from '../list-pending-pairings/list-pending-pairings.use-case';
import { RequestPairingUseCase } from '../request-pairing/request-pairing.use-case';
import { RevokePairingUseCase } from './revoke-pairing.use-case';
import { PairingCodeHasher } from '../../pairing-code-hasher';

const CODE = /\b[ABCDEFGHJKLMNPQRSTUVWXYZ23456789]{8}\b/;

const dm = (platform: string, userId: string) => inboundDm(platform, userId);

const codes = new PairingCodeHasher(configSchema.parse({ security: { pairingCodeSecret: 'a-test-key-of-at-least-32-characters' } }));

describe('RevokePairingUseCase and ListPendingPairingsUseCase', () => {
  let database: TestDatabase;
  let pairing: PairingRepository;
  let allowlist: AllowlistRepository;
  let platform: string;
  const clock = { now: () => new Date('2030-05-01T12:00:00Z') };
  let requestPairing: RequestPairingUseCase;
  let approve: ApprovePairingUseCase;
  let revoke: RevokePairingUseCase;
  let listPending: ListPendingPairingsUseCase;

  const codeFor = async (userId: string) => CODE.exec((await requestPairing.execute(dm(platform, userId))).reply)?.[0] as string;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await openTestDatabase('pglite');
    pairing = new PairingRepository(database.db);
    allowlist = new AllowlistRepository(database.db);
    const lists = new AccessLists(new RuntimeSettings(configSchema.parse({ security: { allowedUsers: ['config-user'] } })));
    requestPairing = new RequestPairingUseCase(pairing, codes, clock);
    approve = new ApprovePairingUseCase(pairing, allowlist, codes, clock);
    revoke = new RevokePairingUseCase(pairing, allowlist, lists, clock);
    listPending = new ListPendingPairingsUseCase(pairing, clock);
  });
  beforeEach(() => {
    platform = uniquePlatform();
  });
  afterAll(() => database.close());

  it('lists pending requests of a platform without their codes', async () => {
    await codeFor('u1');
    await codeFor('u2');

    const pending = await listPending.execute(platform);

    expect(pending.map((request) => request.userId)).toEqual(['u1', 'u2']);
    expect(Object.keys(pending[0])).not.toContain('codeHash');
    expect((await listPending.execute()).length).toBeGreaterThanOrEqual(2);
  });

  it('removes an approved user from the platform allowlist', async () => {
    await approve.execute(platform, await codeFor('u1'), 'cli');

    const result = await revoke.execute(platform, 'u1', 'cli');

    expect(result).toEqual({ removed: true, revokedRequests: 0, stillAllowedByConfig: false });
    expect(await allowlist.isAllowed(platform, 'u1')).toBe(false);
  });

  it('revokes a pending request so its code can no longer be approved', async () => {
    const code = await codeFor('u1');

    expect(await revoke.execute(platform, 'u1')).toEqual({ removed: false, revokedRequests: 1, stillAllowedByConfig: false });
    expect(await listPending.execute(platform)).toEqual([]);
    await expect(approve.execute(platform, code, 'cli')).rejects.toMatchObject({ code: ErrorCode.NOT_FOUND });
    expect(await allowlist.isAllowed(platform, 'u1')).toBe(false);
  });

  it('leaves "*" entries and says when the configuration still lets the user in', async () => {
    await allowlist.add({ platform: ANY_PLATFORM, userId: 'everywhere' });
    expect(await revoke.execute(platform, 'everywhere')).toMatchObject({ removed: false });
    expect(await allowlist.isAllowed(platform, 'everywhere')).toBe(true);

    expect(await revoke.execute(platform, 'config-user')).toMatchObject({ stillAllowedByConfig: true });
  });
});
