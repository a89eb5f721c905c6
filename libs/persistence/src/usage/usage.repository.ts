import { Inject, Injectable } from '@nestjs/common';
import type { Database } from '../database';
import { DATABASE } from '../database.token';
import type { SqlStatement } from '../sql-client';

/** Tokens and estimated cost of the answers counted. */
export interface UsageTotals {
  /** Answers of a model that reported its usage. */
  turns: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of the costs estimated from LLM_PRICES when each answer was stored (USD). */
  costUsd: number;
}

// Each answer's usage is on its assistant message, its cost in the message's metadata; replies of
// the gateway itself (commands, errors) carry no usage and are not counted.
const TOTALS = `count(r."inputTokens")::int AS "turns",
  coalesce(sum(r."inputTokens"), 0)::int AS "inputTokens",
  coalesce(sum(r."outputTokens"), 0)::int AS "outputTokens",
  coalesce(sum((r."metadata"->>'costUsd')::float8), 0)::float8 AS "costUsd"`;

const SESSION_TOTALS: SqlStatement = {
  name: 'usage_session_totals',
  text: `SELECT ${TOTALS} FROM "Message" r WHERE r."sessionId" = $1::uuid AND r."role" = 'assistant'`,
};

const USER_TOTALS: SqlStatement = {
  name: 'usage_user_totals',
  text: `SELECT ${TOTALS} FROM "Turn" t
    JOIN "Message" i ON i."id" = t."inboundMessageId"
    JOIN "Message" r ON r."id" = t."replyMessageId"
    WHERE i."platform" = $1 AND i."senderId" = $2`,
};

/** What /insights tells a user about their answers since a date. */
export interface UsageInsights {
  /** All the user's conversations on the platform. */
  yours: UsageTotals;
  /** The conversation /insights was asked in. */
  here: UsageTotals;
  /** Models by answers, most used first (at most 3). */
  models: { model: string; turns: number }[];
  /** Hours of the day (UTC) by the model's answers to the user, busiest first (at most 3). */
  hours: { hour: number; answers: number }[];
}

// The user's answered messages since $3: each with its turn and answer (a reply of the gateway
// itself, to a command, has no model).
const USER_TURNS_SINCE = `FROM "Turn" t
    JOIN "Message" i ON i."id" = t."inboundMessageId"
    JOIN "Message" r ON r."id" = t."replyMessageId"
    WHERE i."platform" = $1 AND i."senderId" = $2 AND i."createdAt" >= $3::timestamptz`;

const INSIGHT_TOTALS: SqlStatement = {
  name: 'usage_insight_totals',
  text: `SELECT ${TOTALS},
      count(r."inputTokens") FILTER (WHERE i."sessionId" = $4::uuid)::int AS "hereTurns",
      coalesce(sum(r."inputTokens") FILTER (WHERE i."sessionId" = $4::uuid), 0)::int AS "hereInputTokens",
      coalesce(sum(r."outputTokens") FILTER (WHERE i."sessionId" = $4::uuid), 0)::int AS "hereOutputTokens",
      coalesce(sum((r."metadata"->>'costUsd')::float8) FILTER (WHERE i."sessionId" = $4::uuid), 0)::float8 AS "hereCostUsd"
    ${USER_TURNS_SINCE}`,
};

const INSIGHT_MODELS: SqlStatement = {
  name: 'usage_insight_models',
  text: `SELECT t."model", count(*)::int AS "turns" ${USER_TURNS_SINCE} AND t."model" IS NOT NULL
    GROUP BY t."model" ORDER BY count(*) DESC, t."model" LIMIT 3`,
};

const INSIGHT_HOURS: SqlStatement = {
  name: 'usage_insight_hours',
  text: `SELECT extract(hour FROM i."createdAt" AT TIME ZONE 'UTC')::int AS "hour", count(*)::int AS "answers" ${USER_TURNS_SINCE}
    AND t."model" IS NOT NULL GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 3`,
};

type InsightTotalsRow = UsageTotals & { hereTurns: number; hereInputTokens: number; hereOutputTokens: number; hereCostUsd: number };

/** Token usage and estimated cost of the agent's answers (/usage). */
@Injectable()
export class UsageRepository {
  constructor(@Inject(DATABASE) private readonly db: Database) {}

  /** Every answer stored in the session (before resets too). */
  async sessionTotals(sessionId: string): Promise<UsageTotals> {
    const [row] = await this.db.sql.query<UsageTotals>(SESSION_TOTALS, [sessionId]);
    return row;
  }

  /** Every answer to the user's messages on the platform, in all their sessions. */
  async userTotals(platform: string, senderId: string): Promise<UsageTotals> {
    const [row] = await this.db.sql.query<UsageTotals>(USER_TOTALS, [platform, senderId]);
    return row;
  }

  /** The answers to the user's messages sent since `since`, in all their sessions and in `sessionId`. */
  async insights(platform: string, senderId: string, sessionId: string, since: Date): Promise<UsageInsights> {
    const [[totals], models, hours] = await Promise.all([
      this.db.sql.query<InsightTotalsRow>(INSIGHT_TOTALS, [platform, senderId, since.toISOString(), sessionId]),
      this.db.sql.query<{ model: string; turns: number }>(INSIGHT_MODELS, [platform, senderId, since.toISOString()]),
      this.db.sql.query<{ hour: number; answers: number }>(INSIGHT_HOURS, [platform, senderId, since.toISOString()]),
    ]);
    const { hereTurns, hereInputTokens, hereOutputTokens, hereCostUsd, ...yours } = totals;
    return { yours, here: { turns: hereTurns, inputTokens: hereInputTokens, outputTokens: hereOutputTokens, costUsd: hereCostUsd }, models, hours };
  }
}
