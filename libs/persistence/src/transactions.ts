import { Inject, Injectable } from '@nestjs/common';
import type { Database } from './database';
import { DATABASE } from './database.token';

/**
 * One transaction around several repository calls, for code outside this lib: a change and its
 * audit event commit together or not at all. A call inside an open transaction joins it.
 */
@Injectable()
export class Transactions {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  run<T>(work: () => Promise<T>): Promise<T> {
    return this.db.transaction(work);
  }
}
