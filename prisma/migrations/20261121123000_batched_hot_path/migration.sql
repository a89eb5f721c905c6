-- The statements every message runs, as functions of one jsonb argument, so that one statement
-- can run them for many messages at once (libs/persistence/src/statement-batcher.ts):
--   SELECT b.i, f.* FROM jsonb_array_elements($1) WITH ORDINALITY b(call, i), LATERAL fn(b.call) f
-- Being VOLATILE, each call sees what the calls before it in the same batch wrote. PL/pgSQL, not
-- SQL: PostgreSQL keeps a PL/pgSQL function's plans for the connection, while a SQL function's
-- body would be planned again in every batch (costly when batches are small).
-- A later change to one of them is a new migration with CREATE OR REPLACE FUNCTION.

-- Stores an accepted inbound message in its session (created on first use) and records the
-- session's activity. For a redelivery (the message was stored before) "messageId" is null and
-- "storedBeforeId" is the stored message, so the caller can queue it again in case the delivery
-- that stored it never did (it died in between); it is null too while a concurrent delivery of
-- the same message is storing it (that delivery queues it).
-- A message's "createdAt" is later than every earlier message of its session, also within one
-- batch (one transaction, so one now()) and within one millisecond (the column's precision):
-- history is ordered by it.
CREATE FUNCTION "sb_accept_inbound"(call jsonb)
RETURNS TABLE (
  "id" uuid, "key" text, "agentId" text, "platform" text, "accountId" text, "chatType" "ChatType", "chatId" text,
  "threadId" text, "createdAt" timestamptz, "lastActivityAt" timestamptz, "resetAt" timestamptz,
  "previousActivityAt" timestamptz, "messageId" uuid, "messageCreatedAt" timestamptz, "storedBeforeId" uuid)
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
    RETURNING "Message"."id", "Message"."createdAt")
  SELECT session."id", session."key", session."agentId", session."platform", session."accountId", session."chatType",
         session."chatId", session."threadId", session."createdAt", session."lastActivityAt", session."resetAt",
         (SELECT previous."lastActivityAt" FROM previous), inserted."id", inserted."createdAt",
         (SELECT m."id" FROM "Message" m
          WHERE NOT EXISTS (SELECT 1 FROM inserted) AND m."platform" = call->>'platform' AND m."accountId" = call->>'accountId'
            AND m."direction" = 'inbound' AND m."platformMessageId" = call->>'platformMessageId')
  FROM session LEFT JOIN inserted ON true;
END
$$;

-- Begins or resumes the turn of an inbound message (the attempt is counted) and returns everything
-- the turn starts from: the message, its session, the turn's parts and up to "historyLimit"
-- earlier messages of the conversation since the session's last reset. No row when the message
-- no longer exists.
CREATE FUNCTION "sb_start_turn"(call jsonb)
RETURNS TABLE (
  "id" uuid, "key" text, "agentId" text, "platform" text, "accountId" text, "chatType" "ChatType", "chatId" text,
  "threadId" text, "createdAt" timestamptz, "lastActivityAt" timestamptz, "resetAt" timestamptz,
  "m_platformMessageId" text, "m_senderId" text, "m_senderName" text, "m_text" text, "m_attachments" jsonb,
  "m_createdAt" timestamptz, "t_id" uuid, "t_status" "TurnStatus", "t_attempts" int, "t_parts" json, "history" json)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH turn AS (
    INSERT INTO "Turn" ("id", "inboundMessageId", "attempts", "updatedAt")
    SELECT gen_random_uuid(), m."id", 1, now() FROM "Message" m
    WHERE m."id" = (call->>'messageId')::uuid AND m."direction" = 'inbound'
    ON CONFLICT ("inboundMessageId") DO UPDATE SET "attempts" = "Turn"."attempts" + 1, "updatedAt" = now()
    RETURNING *)
  SELECT s."id", s."key", s."agentId", s."platform", s."accountId", s."chatType", s."chatId", s."threadId",
         s."createdAt", s."lastActivityAt", s."resetAt",
         m."platformMessageId", m."senderId", m."senderName", m."text", m."attachments", m."createdAt",
         turn."id", turn."status", turn."attempts",
         (SELECT coalesce(json_agg(json_build_object('id', p."id", 'index', p."index", 'text', p."text",
                                                     'platformMessageId', p."platformMessageId", 'deliveredAt', p."deliveredAt")
                                   ORDER BY p."index"), '[]'::json)
          FROM "DeliveryPart" p WHERE p."turnId" = turn."id"),
         (SELECT coalesce(json_agg(json_build_object('role', h."role", 'text', h."text", 'senderName', h."senderName",
                                                     'createdAt', h."createdAt")
                                   ORDER BY h."createdAt"), '[]'::json)
          FROM (SELECT x."role", x."text", x."senderName", x."createdAt" FROM "Message" x
                WHERE x."sessionId" = s."id" AND x."role" IN ('user', 'assistant') AND x."id" <> m."id"
                  AND x."createdAt" <= m."createdAt" AND (s."resetAt" IS NULL OR x."createdAt" > s."resetAt")
                ORDER BY x."createdAt" DESC
                LIMIT (call->>'historyLimit')::int) h)
  FROM turn JOIN "Message" m ON m."id" = turn."inboundMessageId" JOIN "Session" s ON s."id" = m."sessionId";
END
$$;

-- Stores a finished reply: the assistant message (with usage), the parts to deliver (a jsonb array
-- of texts; part 0 keeps a streamed draft's platform message id) and the turn's new status.
-- One row per part, or one row with null part columns when there are none.
CREATE FUNCTION "sb_save_generated"(call jsonb)
RETURNS TABLE (
  "id" uuid, "inboundMessageId" uuid, "status" "TurnStatus", "attempts" int, "partId" uuid, "partIndex" int,
  "partText" text, "partPlatformMessageId" text, "partDeliveredAt" timestamptz)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH reply AS (
    INSERT INTO "Message" ("id", "sessionId", "direction", "role", "platform", "accountId", "text", "inputTokens",
                           "outputTokens", "metadata", "createdAt")
    SELECT gen_random_uuid(), (call->>'sessionId')::uuid, 'outbound', 'assistant', m."platform", m."accountId", call->>'text',
           (call->>'inputTokens')::int, (call->>'outputTokens')::int, call->'metadata',
           greatest(clock_timestamp(), (SELECT max(x."createdAt") + interval '1 millisecond' FROM "Message" x WHERE x."sessionId" = m."sessionId"))
    FROM "Turn" t JOIN "Message" m ON m."id" = t."inboundMessageId"
    WHERE t."id" = (call->>'turnId')::uuid
    RETURNING "Message"."id"),
  stale AS (
    DELETE FROM "DeliveryPart" d
    WHERE d."turnId" = (call->>'turnId')::uuid AND d."index" >= jsonb_array_length(call->'parts')),
  parts AS (
    INSERT INTO "DeliveryPart" ("id", "turnId", "index", "text", "updatedAt")
    SELECT gen_random_uuid(), (call->>'turnId')::uuid, part.ordinality - 1, part.value, now()
    FROM jsonb_array_elements_text(call->'parts') WITH ORDINALITY AS part(value, ordinality)
    ON CONFLICT ("turnId", "index") DO UPDATE SET "text" = EXCLUDED."text", "updatedAt" = now()
    RETURNING *),
  turn AS (
    UPDATE "Turn" SET "status" = (call->>'status')::"TurnStatus", "replyMessageId" = (SELECT reply."id" FROM reply),
                      "model" = call->>'model', "error" = NULL, "updatedAt" = now()
    WHERE "Turn"."id" = (call->>'turnId')::uuid
    RETURNING *)
  SELECT turn."id", turn."inboundMessageId", turn."status", turn."attempts",
         parts."id", parts."index", parts."text", parts."platformMessageId", parts."deliveredAt"
  FROM turn LEFT JOIN parts ON true
  ORDER BY parts."index";
END
$$;

-- The platform holds a part's final text; with "turnDelivered", the whole reply too.
CREATE FUNCTION "sb_mark_part_delivered"(call jsonb)
RETURNS TABLE ("turnId" uuid)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH part AS (
    UPDATE "DeliveryPart" SET "platformMessageId" = call->>'platformMessageId', "deliveredAt" = now(), "updatedAt" = now()
    WHERE "DeliveryPart"."id" = (call->>'partId')::uuid)
  UPDATE "Turn" SET "status" = 'delivered', "updatedAt" = now()
  WHERE "Turn"."id" = (call->>'turnId')::uuid AND (call->>'turnDelivered')::boolean
  RETURNING "Turn"."id";
END
$$;
