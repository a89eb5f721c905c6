import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeWecomServer } from '@switchboard/testing';
import { WecomApi } from './wecom.api';

describe('WecomApi access token', () => {
  const fake = new FakeWecomServer();
  beforeAll(() => fake.start());
  afterAll(() => fake.stop());

  it('is fetched once for calls made together, kept, and renewed five minutes before WeCom\'s two hours run out', async () => {
    let now = 1_000_000;
    const api = new WecomApi({ apiRoot: fake.url, corpId: fake.app.corpId, secret: fake.app.secret, now: () => now });
    const before = fake.tokenCount;
    const [first, same] = await Promise.all([api.accessToken(), api.accessToken()]);
    expect(same).toBe(first);
    expect(fake.tokenCount).toBe(before + 1);

    now += (7200 - 301) * 1000;
    expect(await api.accessToken()).toBe(first);
    now += 2_000;
    expect(await api.accessToken()).not.toBe(first);
    expect(fake.tokenCount).toBe(before + 2);
  });
});
