import { createHash } from 'node:crypto';

/** The previous hash of the first event ever written. */
export const GENESIS_HASH = '0'.repeat(64);

/** What the hash of an audit event covers (everything but the hashes themselves). */
export interface AuditContent {
  seq: bigint;
  actor: string;
  operatorId: string | null;
  action: string;
  targetType: string | null;
  targetId: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
  userAgent: string | null;
  createdAt: Date;
}

/** JSON with object keys sorted at every level, so equal content always hashes the same. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/** A value as it comes back from a JSON column: dates become strings, undefined members go. */
export function asStoredJson(value: unknown): unknown {
  return value === undefined || value === null ? null : JSON.parse(JSON.stringify(value));
}

/** SHA-256 (hex) of the previous event's hash and this event's canonical content. */
export function auditHash(prevHash: string, content: AuditContent): string {
  // Named one by one: a row read back also carries its hashes, which are not content.
  const canonical = canonicalJson({
    seq: content.seq.toString(),
    actor: content.actor,
    operatorId: content.operatorId,
    action: content.action,
    targetType: content.targetType,
    targetId: content.targetId,
    before: asStoredJson(content.before),
    after: asStoredJson(content.after),
    ip: content.ip,
    userAgent: content.userAgent,
    createdAt: content.createdAt.toISOString(),
  });
  return createHash('sha256').update(prevHash).update('\n').update(canonical).digest('hex');
}

export interface ChainedRow extends AuditContent {
  prevHash: string;
  hash: string;
}

/** Where verification must start: at the genesis, or after the rows the latest prune removed. */
export interface ChainStart {
  seq: bigint;
  prevHash: string;
}

export interface ChainBreak {
  seq: bigint;
  reason: string;
}

/**
 * Checks rows handed over in sequence order, one call per row; remembers the first break. Rows
 * missing in the middle break the sequence; an altered row breaks its own hash (and, if the hash
 * was recomputed, the next row's link).
 */
export class ChainVerifier {
  private expectedSeq: bigint;
  private expectedPrev: string;
  checked = 0;
  firstBreak: ChainBreak | null = null;
  head: { seq: bigint; hash: string } | null = null;

  constructor(start: ChainStart) {
    this.expectedSeq = start.seq;
    this.expectedPrev = start.prevHash;
  }

  check(row: ChainedRow): void {
    this.checked += 1;
    if (this.firstBreak) return;
    if (row.seq !== this.expectedSeq) {
      this.firstBreak = { seq: this.expectedSeq, reason: `event ${this.expectedSeq} is missing (next is ${row.seq})` };
    } else if (row.prevHash !== this.expectedPrev) {
      this.firstBreak = { seq: row.seq, reason: `event ${row.seq} does not link to event ${row.seq - 1n} (previous hash differs)` };
    } else if (auditHash(row.prevHash, row) !== row.hash) {
      this.firstBreak = { seq: row.seq, reason: `event ${row.seq} was altered (its content does not match its hash)` };
    }
    this.expectedSeq = row.seq + 1n;
    this.expectedPrev = row.hash;
    this.head = { seq: row.seq, hash: row.hash };
  }
}
