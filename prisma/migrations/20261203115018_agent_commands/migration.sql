-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "undoneAt" TIMESTAMPTZ(3);

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "model" TEXT,
ADD COLUMN     "personality" TEXT,
ADD COLUMN     "title" TEXT;

-- sb_start_turn as in turn_guards, and also: the session's settings (model, personality, title);
-- the id of each history message and, for an answer, the id of the message it answers ("replyTo");
-- an answer is placed right after its message and counts as history of every later message even
-- when it was written after them (AGENT_BUSY_MODE queue and merge: the next turn sees it); undone
-- messages (/undo, an answer /retry replaced) and stopped answers are left out; and
-- "later", the texts of the session's inbound messages that came after this one (a turn whose
-- message was followed by others may be folded into theirs: AGENT_BUSY_MODE interrupt and merge).
DROP FUNCTION "sb_start_turn"(jsonb);
CREATE FUNCTION "sb_start_turn"(call jsonb)
RETURNS TABLE (
  "id" uuid, "key" text, "agentId" text, "platform" text, "accountId" text, "chatType" "ChatType", "chatId" text,
  "threadId" text, "createdAt" timestamptz, "lastActivityAt" timestamptz, "resetAt" timestamptz,
  "model" text, "personality" text, "title" text,
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
