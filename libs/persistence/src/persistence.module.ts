import { Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, SwitchboardConfig, redactUrl } from '@switchboard/config';
import { AdminSessionRepository } from './admin-sessions/admin-session.repository';
import { ApiKeyRepository } from './api-keys/api-key.repository';
import { AuditRepository } from './audit/audit.repository';
import { ConsoleQueriesRepository } from './console/console-queries.repository';
import { Database, openDatabase } from './database';
import { DatabaseProbe } from './database.probe';
import { DATABASE } from './database.token';
import { DeviceRepository } from './devices/device.repository';
import { MessageRepository } from './messages/message.repository';
import { OperatorRepository } from './operators/operator.repository';
import { QueueJobRepository } from './queue-jobs/queue-job.repository';
import { AllowlistRepository } from './security/allowlist.repository';
import { PairingRepository } from './security/pairing.repository';
import { ConversationRepository } from './sessions/conversation.repository';
import { SessionSummaryRepository } from './sessions/session-summary.repository';
import { HomeChannelRepository } from './schedules/home-channel.repository';
import { ScheduledPromptRepository } from './schedules/scheduled-prompt.repository';
import { SessionRepository } from './sessions/session.repository';
import { SecuritySettingRepository } from './settings/security-setting.repository';
import { Transactions } from './transactions';
import { ToolCallRepository } from './tool-calls/tool-call.repository';
import { TurnRepository } from './turns/turn.repository';
import { UsageRepository } from './usage/usage.repository';

const repositories = [
  QueueJobRepository,
  SessionRepository,
  MessageRepository,
  TurnRepository,
  ToolCallRepository,
  AllowlistRepository,
  PairingRepository,
  SecuritySettingRepository,
  ApiKeyRepository,
  DeviceRepository,
  OperatorRepository,
  AdminSessionRepository,
  AuditRepository,
  ConsoleQueriesRepository,
  UsageRepository,
  SessionSummaryRepository,
  ConversationRepository,
  ScheduledPromptRepository,
  HomeChannelRepository,
  Transactions,
];

/** Opens the database once (PostgreSQL or embedded PGlite) and provides the repositories. */
@Module({
  providers: [
    {
      provide: DATABASE,
      inject: [APP_CONFIG],
      useFactory: async (config: SwitchboardConfig): Promise<Database> => {
        const db = await openDatabase({ url: config.database.url, dataDir: config.database.dataDir });
        const where = config.database.url ? redactUrl(config.database.url) : config.database.dataDir;
        const applied = db.appliedMigrations.length ? `; applied ${db.appliedMigrations.join(', ')}` : '';
        new Logger('Database').log(`${db.kind} ready at ${where}${applied}`);
        return db;
      },
    },
    DatabaseProbe,
    ...repositories,
  ],
  exports: [DatabaseProbe, ...repositories],
})
export class PersistenceModule implements OnApplicationShutdown {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  // Runs after the queue drained (beforeApplicationShutdown), so in-flight jobs could still write.
  async onApplicationShutdown(): Promise<void> {
    await this.db.close();
  }
}
