import { Inject, Injectable } from '@nestjs/common';
import type { ReadinessProbe } from '@switchboard/core';
import type { Database } from './database';
import { DATABASE } from './database.token';

@Injectable()
export class DatabaseProbe implements ReadinessProbe {
  readonly name = 'database';

  constructor(@Inject(DATABASE) private readonly db: Database) {}

  async check(): Promise<Record<string, unknown>> {
    await this.db.prisma.$queryRaw`SELECT 1`;
    return { kind: this.db.kind };
  }
}
