import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Transactions } from '../transactions';
import { TEST_DATABASE_KINDS, TestDatabase, openTestDatabase, uniquePlatform } from '../security/testing-databases';
import { SecuritySettingRepository } from './security-setting.repository';

describe.each(TEST_DATABASE_KINDS)('SecuritySettingRepository on %s', (kind) => {
  let database: TestDatabase;
  let settings: SecuritySettingRepository;

  beforeAll(async () => {
    database = await openTestDatabase(kind);
    settings = new SecuritySettingRepository(database.db);
  });
  afterAll(() => database.close());

  it('stores a value with version 1 and counts each change', async () => {
    const key = `${uniquePlatform()}.dmPolicy`;
    expect(await settings.put(key, 'open', 'console:a@example.com')).toMatchObject({ key, value: 'open', version: 1, updatedBy: 'console:a@example.com' });
    const second = await settings.put(key, ['10.0.0.0/8', '2001:db8::/32'], 'console:b@example.com');
    expect(second).toMatchObject({ value: ['10.0.0.0/8', '2001:db8::/32'], version: 2, updatedBy: 'console:b@example.com', updatedAt: expect.any(Date) });
    expect(await settings.find(key)).toEqual(second);
    expect((await settings.list()).filter((s) => s.key === key)).toEqual([second]);
  });

  it('keeps JSON values as they were: false, an empty list, a string', async () => {
    const prefix = uniquePlatform();
    await settings.put(`${prefix}.enabled`, false, 'test');
    await settings.put(`${prefix}.allow`, [], 'test');
    await settings.put(`${prefix}.commands`, 'status:admins', 'test');
    expect((await settings.find(`${prefix}.enabled`))?.value).toBe(false);
    expect((await settings.find(`${prefix}.allow`))?.value).toEqual([]);
    expect((await settings.find(`${prefix}.commands`))?.value).toBe('status:admins');
  });

  it('removes an override and says what it was; removing nothing returns null', async () => {
    const key = `${uniquePlatform()}.dmPolicy`;
    await settings.put(key, 'allowlist', 'test');
    expect(await settings.remove(key)).toMatchObject({ key, value: 'allowlist' });
    expect(await settings.find(key)).toBeNull();
    expect(await settings.remove(key)).toBeNull();
  });

  it('leaves nothing behind when the transaction it joined fails', async () => {
    const key = `${uniquePlatform()}.dmPolicy`;
    const transactions = new Transactions(database.db);
    await expect(
      transactions.run(async () => {
        await settings.put(key, 'open', 'test');
        throw new Error('audit write failed');
      }),
    ).rejects.toThrow('audit write failed');
    expect(await settings.find(key)).toBeNull();
  });
});
