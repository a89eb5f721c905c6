import { Logger, Module } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigModule, configSchema } from '@switchboard/config';
import { CHAT_SESSION_DIRECTORY } from '@switchboard/core';
import { createTempDir, type TempDir } from '@switchboard/persistence/migrations/testing-databases';
import { RuntimeSettings } from '@switchboard/security';
import { FAKE_TELEGRAM_TOKEN, FakeTelegramServer } from '@switchboard/testing';
import { ChannelLifecycle } from './channel-lifecycle';
import { ChannelProbes } from './channels.probe';
import { InboundChannelsModule } from './channels.module';

/** Telegram shows no sessions: a directory with none will do. */
@Module({ providers: [{ provide: CHAT_SESSION_DIRECTORY, useValue: { sessionsOf: async () => [] } }], exports: [CHAT_SESSION_DIRECTORY] })
class NoSessionsModule {}

describe('ChannelLifecycle switched by an operator', () => {
  const fake = new FakeTelegramServer();
  let dir: TempDir;
  let moduleRef: TestingModule;

  beforeAll(async () => {
    Logger.overrideLogger(false);
    await fake.start();
    dir = createTempDir('sb-channel-lifecycle-');
    const config = configSchema.parse({ database: { dataDir: dir.path }, telegram: { botToken: FAKE_TELEGRAM_TOKEN, mode: 'polling', apiRoot: fake.url } });
    moduleRef = await Test.createTestingModule({ imports: [ConfigModule.forRoot(config), InboundChannelsModule.forRoot({ sessions: NoSessionsModule })] }).compile();
    await moduleRef.init();
  });
  afterAll(async () => {
    await moduleRef.close();
    await fake.stop();
    dir.remove();
  });

  const probe = () => moduleRef.get(ChannelProbes).list().find((p) => p.name === 'channel:telegram')!;
  const supervisor = () => moduleRef.get(ChannelLifecycle).runs().find((run) => run.channel.id === 'telegram')?.supervisor;

  it('stops polling when disabled, reports it disabled to /ready, and takes what waited once enabled again', async () => {
    expect(await probe().check()).toMatchObject({ state: 'polling (lease held)' });
    const settings = moduleRef.get(RuntimeSettings);

    settings.apply(new Map([['telegram.enabled', false]]));
    await expect.poll(() => supervisor()).toBeUndefined();
    expect(await probe().check()).toEqual({ state: 'disabled' });

    // Sent while the channel is off: it waits on the platform's side.
    const update = fake.queueUpdate(fake.build.privateText('are you there?'));
    settings.apply(new Map());
    await expect.poll(() => supervisor()?.current.kind).toBe('receiving');
    await fake.waitForConfirmation(update, 10_000);
    expect(await probe().check()).toMatchObject({ state: 'polling (lease held)' });
  });
});
