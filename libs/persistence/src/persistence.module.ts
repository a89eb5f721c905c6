import { Global, Inject, Logger, Module, OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, SwitchboardConfig, redactUrl } from '@switchboard/config';
import { ApiKeyRepository } from './api-keys/api-key.repository';
import { Database, openDatabase } from './database';
import { DatabaseProbe } from './database.probe';
import { DATABASE } from './database.token';
import { DeviceRepository } from './devices/device.repository';
import { MessageRepository } from './messages/message.repository';
import { QueueJobRepository } from './queue-jobs/queue-job.repository';
import { AllowlistRepository } from './security/allowlist.repository';
import { PairingRepository } from './security/pairing.repository';
import { SessionRepository } from './sessions/session.repository';
import { TurnRepository } from './turns/turn.repository';

const repositories = [
  QueueJobRepository,
  SessionRepository,
  MessageRepository,
  TurnRepository,
  AllowlistRepository,
  PairingRepository,
  ApiKeyRepository,
  DeviceRepository,
];

/** Opens the database once (PostgreSQL or embedded PGlite) and provides the repositories. */
@Global()
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
