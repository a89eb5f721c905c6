-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "busyMode" TEXT,
ADD COLUMN     "reasoning" TEXT,
ADD COLUMN     "showReasoning" BOOLEAN NOT NULL DEFAULT false;

-- CreateTable
CREATE TABLE "SessionSummary" (
    "id" UUID NOT NULL,
    "sessionId" UUID NOT NULL,
    "text" TEXT NOT NULL,
    "coversMessageId" UUID NOT NULL,
    "tokensBefore" INTEGER NOT NULL,
    "tokensAfter" INTEGER NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "SessionSummary_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "SessionSummary_sessionId_createdAt_idx" ON "SessionSummary"("sessionId", "createdAt");

-- AddForeignKey
ALTER TABLE "SessionSummary" ADD CONSTRAINT "SessionSummary_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- sb_accept_inbound as in pending_messages, and also the session's busy mode (/busy), which the
-- inbound pipeline needs to tell whether a message interrupts the running answer.
DROP FUNCTION "sb_accept_inbound"(jsonb);
CREATE FUNCTION "sb_accept_inbound"(call jsonb)
RETURNS TABLE (
  "id" uuid, "key" text, "agentId" text, "platform" text, "accountId" text, "chatType" "ChatType", "chatId" text,
  "threadId" text, "createdAt" timestamptz, "lastActivityAt" timestamptz, "resetAt" timestamptz,
  "previousActivityAt" timestamptz, "messageId" uuid, "messageCreatedAt" timestamptz, "storedBeforeId" uuid, "busyMode" text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH previous AS (SELECT s."lastActivityAt" FROM "Session" s WHERE s."key" = call->>'key'),
  session AS (
    INSERT INTO "Session" ("id", "key", "agentId", "platform", "accountId", "chatType", "chatId", "threadId", "updatedAt", "lastActivityAt")
    VALUES (gen_random_uuid(), call->>'key', call->>'agentId', call->>'platform', call->>'accountId',
            (call->>'chatType')::"ChatType", call->>'chatId', call->>'threadId',
            (call->>'at')::timestamptz, (call->>'at')::timestamptz)
    ON CONFLICT ("key") DO UPDATE SET "lastActivityAt" = EXCLUDED."lastActivityAt", "updatedAt" = EXCLUDED."updatedAt"
    RETURNING *),
  inserted AS (
    INSERT INTO "Message" ("id", "sessionId", "direction", "role", "platform", "accountId", "platformMessageId",
                           "senderId", "senderName", "text", "attachments", "metadata", "createdAt")
    SELECT gen_random_uuid(), session."id", 'inbound', 'user', call->>'platform', call->>'accountId', call->>'platformMessageId',
           call->>'senderId', call->>'senderName', call->>'text', call->'attachments', call->'metadata',
           greatest(clock_timestamp(), (SELECT max(x."createdAt") + interval '1 millisecond' FROM "Message" x WHERE x."sessionId" = session."id"))
    FROM session
    ON CONFLICT ("platform", "accountId", "direction", "platformMessageId") DO NOTHING
    RETURNING "Message"."id", "Message"."createdAt"),
  pending AS (
    INSERT INTO "PendingMessage" ("messageId", "queuedAt") SELECT inserted."id", now() FROM inserted)
  SELECT session."id", session."key", session."agentId", session."platform", session."accountId", session."chatType",
         session."chatId", session."threadId", session."createdAt", session."lastActivityAt", session."resetAt",
         (SELECT previous."lastActivityAt" FROM previous), inserted."id", inserted."createdAt",
         (SELECT m."id" FROM "Message" m
          WHERE NOT EXISTS (SELECT 1 FROM inserted) AND m."platform" = call->>'platform' AND m."accountId" = call->>'accountId'
            AND m."direction" = 'inbound' AND m."platformMessageId" = call->>'platformMessageId'),
         session."busyMode"
  FROM session LEFT JOIN inserted ON true;
END
$$;

-- sb_start_turn as in agent_commands, and also the session's settings of /reasoning and /busy.
DROP FUNCTION "sb_start_turn"(jsonb);
CREATE FUNCTION "sb_start_turn"(call jsonb)
RETURNS TABLE (
  "id" uuid, "key" text, "agentId" text, "platform" text, "accountId" text, "chatType" "ChatType", "chatId" text,
  "threadId" text, "createdAt" timestamptz, "lastActivityAt" timestamptz, "resetAt" timestamptz,
  "model" text, "personality" text, "title" text, "reasoning" text, "showReasoning" boolean, "busyMode" text,
  "m_platformMessageId" text, "m_senderId" text, "m_senderName" text, "m_text" text, "m_attachments" jsonb,
  "m_createdAt" timestamptz, "t_id" uuid, "t_status" "TurnStatus", "t_attempts" int, "t_parts" json, "history" json,
  "later" json)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  INSERT INTO "SessionHolder" ("sessionId", "holder", "updatedAt")
  SELECT m."sessionId", call->>'holder', now() FROM "Message" m
  WHERE m."id" = (call->>'messageId')::uuid AND call->>'holder' IS NOT NULL
  ON CONFLICT ("sessionId") DO UPDATE SET "holder" = EXCLUDED."holder", "updatedAt" = EXCLUDED."updatedAt";
  RETURN QUERY
  WITH turn AS (
    INSERT INTO "Turn" ("id", "inboundMessageId", "attempts", "updatedAt")
    SELECT gen_random_uuid(), m."id", 1, now() FROM "Message" m
    WHERE m."id" = (call->>'messageId')::uuid AND m."direction" = 'inbound'
    ON CONFLICT ("inboundMessageId") DO UPDATE SET "attempts" = "Turn"."attempts" + 1, "updatedAt" = now()
    RETURNING *)
  SELECT s."id", s."key", s."agentId", s."platform", s."accountId", s."chatType", s."chatId", s."threadId",
         s."createdAt", s."lastActivityAt", s."resetAt", s."model", s."personality", s."title",
         s."reasoning", s."showReasoning", s."busyMode",
         m."platformMessageId", m."senderId", m."senderName", m."text", m."attachments", m."createdAt",
         turn."id", turn."status", turn."attempts",
         (SELECT coalesce(json_agg(json_build_object('id', p."id", 'index', p."index", 'text', p."text",
                                                     'platformMessageId', p."platformMessageId", 'deliveredAt', p."deliveredAt",
                                                     'sendStarted', p."sendStartedAt" IS NOT NULL, 'repeated', p."repeated")
                                   ORDER BY p."index"), '[]'::json)
          FROM "DeliveryPart" p WHERE p."turnId" = turn."id"),
         (SELECT coalesce(json_agg(json_build_object('id', h."id", 'role', h."role", 'text', h."text", 'senderName', h."senderName",
                                                     'createdAt', h."createdAt", 'replyTo', h."replyTo")
                                   ORDER BY h."at", h."createdAt"), '[]'::json)
          FROM (SELECT x."id", x."role", x."text", x."senderName", x."createdAt", r."inboundMessageId" AS "replyTo",
                       coalesce(q."createdAt", x."createdAt") AS "at"
                FROM "Message" x
                LEFT JOIN "Turn" r ON r."replyMessageId" = x."id"
                LEFT JOIN "Message" q ON q."id" = r."inboundMessageId"
                WHERE x."sessionId" = s."id" AND x."role" IN ('user', 'assistant') AND x."id" <> m."id" AND x."undoneAt" IS NULL
                  AND coalesce((x."metadata"->>'stopped')::boolean, false) = false
                  AND CASE WHEN q."id" IS NULL THEN x."createdAt" <= m."createdAt" ELSE q."createdAt" < m."createdAt" END
                  AND (s."resetAt" IS NULL OR x."createdAt" > s."resetAt")
                ORDER BY "at" DESC, x."createdAt" DESC
                LIMIT (call->>'historyLimit')::int) h),
         (SELECT coalesce(json_agg(l."text" ORDER BY l."createdAt"), '[]'::json)
          FROM (SELECT x."text", x."createdAt" FROM "Message" x
                WHERE x."sessionId" = s."id" AND x."direction" = 'inbound' AND x."createdAt" > m."createdAt"
                ORDER BY x."createdAt" LIMIT 50) l)
  FROM turn JOIN "Message" m ON m."id" = turn."inboundMessageId" JOIN "Session" s ON s."id" = m."sessionId";
END
$$;
