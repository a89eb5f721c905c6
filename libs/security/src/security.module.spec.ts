import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import { Test, TestingModule } from '@nestjs/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfigError, ConfigModule, configSchema } from '@switchboard/config';
import { createTempDir, type TempDir } from '@switchboard/persistence/migrations/testing-databases';
import { AccessPolicy } from './access/access-policy';
import { CommandPermissions } from './commands/command-permissions';
import { ListPendingPairingsUseCase } from './pairing/use-cases/list-pending-pairings/list-pending-pairings.use-case';
import { SecurityModule } from './security.module';

describe('SecurityModule', () => {
  let dir: TempDir;

  const compile = (security: object) =>
    Test.createTestingModule({
      imports: [ConfigModule.forRoot(configSchema.parse({ database: { dataDir: dir.path }, security })), SecurityModule],
    }).compile();

  beforeAll(() => {
    Logger.overrideLogger(false);
    dir = createTempDir('sb-security-module-');
  });
  afterAll(() => dir.remove());

  describe('with valid settings', () => {
    let moduleRef: TestingModule;

    beforeAll(async () => {
      moduleRef = await compile({ commandPermissions: 'model:admins', adminUsers: ['boss'] });
      await moduleRef.init();
    });
    afterAll(() => moduleRef.close());

    it('gates a message from a stranger with a pairing code it records', async () => {
      const userId = randomUUID();
      const decision = await moduleRef.get(AccessPolicy).evaluate({
        platform: 'telegram',
        accountId: 'default',
        chatType: 'dm',
        chatId: 'c1',
        platformMessageId: randomUUID(),
        sender: { id: userId },
        text: 'hi',
        attachments: [],
        mentionsBot: false,
        repliesToBot: false,
        receivedAt: new Date(),
      });

      expect(decision).toMatchObject({ kind: 'pairing', reason: 'pairing_code_sent' });
      expect(await moduleRef.get(ListPendingPairingsUseCase).execute('telegram')).toEqual([expect.objectContaining({ userId })]);
      expect(moduleRef.get(CommandPermissions).canRun('telegram', 'boss', '/model')).toBe(true);
    });
  });

  it('fails at start on an invalid command permission or CIDR', async () => {
    await expect(compile({ commandPermissions: 'model' })).rejects.toThrow(ConfigError);
    await expect(compile({ webhookIpAllow: ['10.0.0.0/99'] })).rejects.toThrow(/WEBHOOK_IP_ALLOW: "10.0.0.0\/99"/);
  });
});
