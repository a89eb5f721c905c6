import { randomInt } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DomainError, ErrorCode } from '@switchboard/core';
import { AllowlistRepository } from '@switchboard/persistence';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase } from '@switchboard/persistence/security/testing-databases';
import { AddToAllowlistUseCase } from './add-to-allowlist.use-case';

// A Telegram-shaped id no other test uses.
const telegramId = () => String(randomInt(1e9, 2 ** 47));

async function refusal(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DomainError);
  expect((error as DomainError).code).toBe(ErrorCode.INVALID_INPUT);
  return error as DomainError;
}

describe.each(TEST_DATABASE_KINDS)('AddToAllowlistUseCase on %s', (kind) => {
  let database: TestDatabase;
  let allowlist: AllowlistRepository;
  let add: AddToAllowlistUseCase;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    database = await openTestDatabase(kind);
    allowlist = new AllowlistRepository(database.db);
    add = new AddToAllowlistUseCase(allowlist);
  });
  afterAll(() => database.close());

  it('adds a Telegram user by their numeric id, once', async () => {
    const id = telegramId();
    expect(await add.execute('telegram', ` ${id} `, 'cli')).toBe(true);
    expect(await add.execute('telegram', id, 'cli')).toBe(false);
    expect(await allowlist.isAllowed('telegram', id)).toBe(true);
  });

  it('refuses a platform it does not know, naming the ones it does, and stores nothing', async () => {
    const id = telegramId();
    const error = await refusal(add.execute('tg', id, 'cli'));
    expect(error.message).toBe('platform "tg" is not one the allowlist knows: expected telegram, dingtalk, feishu, wecom, whatsapp, generic, slack, discord, * (every platform)');
    expect(await allowlist.isAllowed('tg', id)).toBe(false);
  });

  it('takes a DingTalk user id and refuses one with spaces or symbols', async () => {
    const id = `manager${telegramId()}`;
    await add.execute('dingtalk', id, 'cli');
    expect(await allowlist.isAllowed('dingtalk', id)).toBe(true);
    for (const bad of ['li wei', '$:LWCP_v1:$abc', 'x'.repeat(65)]) {
      const error = await refusal(add.execute('dingtalk', bad, 'cli'));
      expect(error.message).toContain('is not a dingtalk user id: expected a user id such as manager4220');
    }
  });

  it('refuses a Telegram id that is not a positive number', async () => {
    for (const bad of ['notanumber', '-1001234567', '0', '12 34', '1'.repeat(17), '']) {
      const error = await refusal(add.execute('telegram', bad, 'cli'));
      expect(error.message).toContain('is not a telegram user id: expected a positive number');
    }
    expect((await allowlist.list('telegram')).some((entry) => entry.userId === 'notanumber')).toBe(false);
  });

  it('takes any one-word id for every platform ("*"), not a blank or spaced one', async () => {
    const id = `u-${telegramId()}`;
    expect(await add.execute('*', id, 'cli')).toBe(true);
    expect((await refusal(add.execute('*', 'two words', 'cli'))).message).toContain('is not a user id: expected one word');
    await refusal(add.execute('*', '  ', 'cli'));
  });
});
