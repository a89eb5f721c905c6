import { AsyncLocalStorage } from 'node:async_hooks';
import type { PrismaClient } from './generated/prisma/client';

// The transaction a caller opened with Database.transaction(), seen by every repository call made
// inside it (they all read `db.prisma`), so a change and its audit event commit together.
const scope = new AsyncLocalStorage<PrismaClient>();

/** The client of the transaction in progress, or the root client outside one. */
export function scopedClient(root: PrismaClient): PrismaClient {
  return scope.getStore() ?? root;
}

/**
 * Runs `work` in one transaction; a call made while one is open joins it. Inside, `$transaction`
 * is not available on `db.prisma` (Prisma has no nested transactions), which no repository uses.
 */
export async function runInTransaction<T>(root: PrismaClient, work: () => Promise<T>): Promise<T> {
  if (scope.getStore()) return work();
  return root.$transaction((tx) => scope.run(tx as unknown as PrismaClient, work), { timeout: 30_000, maxWait: 10_000 });
}
