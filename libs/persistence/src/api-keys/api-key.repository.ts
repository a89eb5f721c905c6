import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { ApiKey as ApiKeyRow } from '../generated/prisma/client';

/** An API key of the OpenAI-compatible API. Neither the key nor its hash leaves the repository. */
export interface ApiKeyRecord {
  id: string;
  name: string;
  /** The key's first characters, to tell keys apart in listings. */
  prefix: string;
  scopes: string[];
  /** Requests per minute; null means no per-key limit. */
  rateLimitPerMinute: number | null;
  createdBy: string | null;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
}

export interface NewApiKey {
  name: string;
  prefix: string;
  keyHash: string;
  scopes: string[];
  rateLimitPerMinute: number | null;
  createdBy: string | null;
  createdAt: Date;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

@Injectable()
export class ApiKeyRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Stores the key; null when the name (or, improbably, the hash) is taken. */
  async insert(key: NewApiKey): Promise<ApiKeyRecord | null> {
    const { count } = await this.db.prisma.apiKey.createMany({ data: [key], skipDuplicates: true });
    if (count === 0) return null;
    const row = await this.db.prisma.apiKey.findUnique({ where: { keyHash: key.keyHash } });
    return row ? toRecord(row) : null;
  }

  /** The key with this SHA-256 hash, revoked or not. */
  async findByHash(keyHash: string): Promise<ApiKeyRecord | null> {
    const row = await this.db.prisma.apiKey.findUnique({ where: { keyHash } });
    return row ? toRecord(row) : null;
  }

  /** The key with this name, or with this id when `ref` is a UUID. */
  async findByNameOrId(ref: string): Promise<ApiKeyRecord | null> {
    const row = await this.db.prisma.apiKey.findFirst({
      // The id column is a UUID: PostgreSQL refuses to compare it with any other text.
      where: UUID.test(ref) ? { OR: [{ name: ref }, { id: ref.toLowerCase() }] } : { name: ref },
    });
    return row ? toRecord(row) : null;
  }

  /** Every key, revoked ones included, oldest first. */
  async list(): Promise<ApiKeyRecord[]> {
    const rows = await this.db.prisma.apiKey.findMany({ orderBy: { createdAt: 'asc' } });
    return rows.map(toRecord);
  }

  /** Revokes an active key; false when it was already revoked or does not exist. */
  async revoke(id: string, now: Date): Promise<boolean> {
    const { count } = await this.db.prisma.apiKey.updateMany({ where: { id, revokedAt: null }, data: { revokedAt: now } });
    return count === 1;
  }

  /**
   * Records a use unless one was recorded less than `minIntervalMs` ago, so a busy key costs one
   * write per interval; a single statement, so concurrent requests write once.
   */
  async touch(id: string, now: Date, minIntervalMs: number): Promise<boolean> {
    const { count } = await this.db.prisma.apiKey.updateMany({
      where: { id, OR: [{ lastUsedAt: null }, { lastUsedAt: { lte: new Date(now.getTime() - minIntervalMs) } }] },
      data: { lastUsedAt: now },
    });
    return count === 1;
  }
}

function toRecord(row: ApiKeyRow): ApiKeyRecord {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: row.scopes,
    rateLimitPerMinute: row.rateLimitPerMinute,
    createdBy: row.createdBy,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
  };
}
