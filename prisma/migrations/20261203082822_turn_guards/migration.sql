-- AlterTable
ALTER TABLE "DeliveryPart" ADD COLUMN     "repeated" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN     "sendStartedAt" TIMESTAMPTZ(3);

-- CreateTable
CREATE TABLE "SessionHolder" (
    "sessionId" UUID NOT NULL,
    "holder" TEXT NOT NULL,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "SessionHolder_pkey" PRIMARY KEY ("sessionId")
);

-- AddForeignKey
ALTER TABLE "SessionHolder" ADD CONSTRAINT "SessionHolder_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Every write of a turn moves it only from the states it may come from, and only for the run that
-- holds its session: sb_start_turn records the run's session lock token in "SessionHolder", and
-- a write that carries another token is refused (fencing: a process that stalled past its lock
-- and lost it to another cannot write any more). The functions report a refused write in a
-- "refused" column instead of doing it. The allowed moves:
--   running   → generated (reply stored, parts to deliver), delivered (a caller showed it), failed
--   generated → delivered (the last part confirmed), failed
--   delivered, failed: final.

-- Why a write of `turn_id` by the run holding `holder` (null: the queue giving up, which holds no
-- session), allowed while the turn is in one of `allowed`, may not be done: 'status <status>' (the
-- turn is in another), 'superseded' (another run took the session over), or null when it may.
-- Locks the turn's row, so the status cannot change before the write that follows in the same
-- transaction. Null for a missing turn (the write then finds nothing).
CREATE FUNCTION "sb_turn_refusal"(turn_id uuid, holder text, allowed "TurnStatus"[])
RETURNS text
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  current_status "TurnStatus";
  current_holder text;
BEGIN
  SELECT t."status", h."holder" INTO current_status, current_holder
  FROM "Turn" t JOIN "Message" m ON m."id" = t."inboundMessageId" LEFT JOIN "SessionHolder" h ON h."sessionId" = m."sessionId"
  WHERE t."id" = turn_id
  FOR UPDATE OF t;
  IF NOT FOUND THEN RETURN NULL; END IF;
  IF NOT (current_status = ANY (allowed)) THEN RETURN 'status ' || current_status; END IF;
  IF holder IS NOT NULL AND current_holder IS DISTINCT FROM holder THEN RETURN 'superseded'; END IF;
  RETURN NULL;
END
$$;

-- sb_start_turn as in batched_hot_path; the run starting it ("holder", its session lock token)
-- now holds the session, and each part tells whether its sending started and whether it is a repeat.
CREATE OR REPLACE FUNCTION "sb_start_turn"(call jsonb)
RETURNS TABLE (
  "id" uuid, "key" text, "agentId" text, "platform" text, "accountId" text, "chatType" "ChatType", "chatId" text,
  "threadId" text, "createdAt" timestamptz, "lastActivityAt" timestamptz, "resetAt" timestamptz,
  "m_platformMessageId" text, "m_senderId" text, "m_senderName" text, "m_text" text, "m_attachments" jsonb,
  "m_createdAt" timestamptz, "t_id" uuid, "t_status" "TurnStatus", "t_attempts" int, "t_parts" json, "history" json)
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
         s."createdAt", s."lastActivityAt", s."resetAt",
         m."platformMessageId", m."senderId", m."senderName", m."text", m."attachments", m."createdAt",
         turn."id", turn."status", turn."attempts",
         (SELECT coalesce(json_agg(json_build_object('id', p."id", 'index', p."index", 'text', p."text",
                                                     'platformMessageId', p."platformMessageId", 'deliveredAt', p."deliveredAt",
                                                     'sendStarted', p."sendStartedAt" IS NOT NULL, 'repeated', p."repeated")
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

-- sb_save_generated as in batched_hot_path, for a running turn of the holder only ("status" is
-- 'generated' or 'delivered'); parts keep whether their sending started and whether they are
-- repeats. A refused call returns one row: the turn as it is, no part, and "refused".
DROP FUNCTION "sb_save_generated"(jsonb);
CREATE FUNCTION "sb_save_generated"(call jsonb)
RETURNS TABLE (
  "id" uuid, "inboundMessageId" uuid, "status" "TurnStatus", "attempts" int, "partId" uuid, "partIndex" int,
  "partText" text, "partPlatformMessageId" text, "partDeliveredAt" timestamptz, "partSendStarted" boolean,
  "partRepeated" boolean, "refused" text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  refusal text := "sb_turn_refusal"((call->>'turnId')::uuid, call->>'holder', ARRAY['running']::"TurnStatus"[]);
BEGIN
  IF refusal IS NOT NULL THEN
    RETURN QUERY
    SELECT t."id", t."inboundMessageId", t."status", t."attempts", NULL::uuid, NULL::int, NULL::text, NULL::text,
           NULL::timestamptz, NULL::boolean, NULL::boolean, refusal
    FROM "Turn" t WHERE t."id" = (call->>'turnId')::uuid;
    RETURN;
  END IF;
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
         parts."id", parts."index", parts."text", parts."platformMessageId", parts."deliveredAt",
         parts."sendStartedAt" IS NOT NULL, parts."repeated", NULL::text
  FROM turn LEFT JOIN parts ON true
  ORDER BY parts."index";
END
$$;

-- Before a part is first sent ("index"; part 0 of a running turn is the streamed draft, created
-- here): its sending started. If it had started before and the platform's id was never recorded,
-- the part may be on the platform already, so this send is a repeat ("repeated"). Refused for a
-- part the platform already has (it is edited, not sent), and for a turn neither running nor generated.
CREATE FUNCTION "sb_part_sending"(call jsonb)
RETURNS TABLE ("partId" uuid, "repeated" boolean, "refused" text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  refusal text := "sb_turn_refusal"((call->>'turnId')::uuid, call->>'holder', ARRAY['running', 'generated']::"TurnStatus"[]);
BEGIN
  IF refusal IS NOT NULL THEN
    RETURN QUERY SELECT NULL::uuid, NULL::boolean, refusal;
    RETURN;
  END IF;
  RETURN QUERY
  WITH part AS (
    INSERT INTO "DeliveryPart" ("id", "turnId", "index", "sendStartedAt", "updatedAt")
    SELECT gen_random_uuid(), t."id", (call->>'index')::int, now(), now() FROM "Turn" t WHERE t."id" = (call->>'turnId')::uuid
    ON CONFLICT ("turnId", "index") DO UPDATE
      SET "repeated" = "DeliveryPart"."repeated" OR "DeliveryPart"."sendStartedAt" IS NOT NULL, "sendStartedAt" = now(), "updatedAt" = now()
      WHERE "DeliveryPart"."platformMessageId" IS NULL
    RETURNING "DeliveryPart"."id", "DeliveryPart"."repeated")
  SELECT part."id", part."repeated", NULL::text FROM part
  UNION ALL
  SELECT NULL::uuid, NULL::boolean, 'part sent' WHERE NOT EXISTS (SELECT 1 FROM part);
END
$$;

-- A send of a part ("index") that the platform answered with a clear refusal: the part is not on
-- the platform, so sending it again is no repeat.
CREATE FUNCTION "sb_part_not_sent"(call jsonb)
RETURNS TABLE ("refused" text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  refusal text := "sb_turn_refusal"((call->>'turnId')::uuid, call->>'holder', ARRAY['running', 'generated']::"TurnStatus"[]);
BEGIN
  IF refusal IS NULL THEN
    UPDATE "DeliveryPart" SET "sendStartedAt" = NULL, "updatedAt" = now()
    WHERE "DeliveryPart"."turnId" = (call->>'turnId')::uuid AND "DeliveryPart"."index" = (call->>'index')::int
      AND "DeliveryPart"."platformMessageId" IS NULL;
  END IF;
  RETURN QUERY SELECT refusal;
END
$$;

-- The streamed draft of a running turn is on the platform: part 0 gets its id.
CREATE FUNCTION "sb_record_draft"(call jsonb)
RETURNS TABLE ("refused" text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  refusal text := "sb_turn_refusal"((call->>'turnId')::uuid, call->>'holder', ARRAY['running']::"TurnStatus"[]);
BEGIN
  IF refusal IS NULL THEN
    INSERT INTO "DeliveryPart" ("id", "turnId", "index", "platformMessageId", "updatedAt")
    VALUES (gen_random_uuid(), (call->>'turnId')::uuid, 0, call->>'platformMessageId', now())
    ON CONFLICT ("turnId", "index") DO UPDATE SET "platformMessageId" = EXCLUDED."platformMessageId", "updatedAt" = now();
  END IF;
  RETURN QUERY SELECT refusal;
END
$$;

-- The platform holds a part's final text (the part of a generated turn, not confirmed before);
-- the confirmation of the last such part delivers the turn ("turnDelivered").
DROP FUNCTION "sb_mark_part_delivered"(jsonb);
CREATE FUNCTION "sb_mark_part_delivered"(call jsonb)
RETURNS TABLE ("turnDelivered" boolean, "refused" text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  refusal text := "sb_turn_refusal"((call->>'turnId')::uuid, call->>'holder', ARRAY['generated']::"TurnStatus"[]);
  delivered boolean := false;
BEGIN
  IF refusal IS NULL THEN
    UPDATE "DeliveryPart" SET "platformMessageId" = call->>'platformMessageId', "deliveredAt" = now(), "updatedAt" = now()
    WHERE "DeliveryPart"."id" = (call->>'partId')::uuid AND "DeliveryPart"."turnId" = (call->>'turnId')::uuid
      AND "DeliveryPart"."deliveredAt" IS NULL;
    IF NOT FOUND THEN
      refusal := 'part delivered';
    ELSE
      UPDATE "Turn" SET "status" = 'delivered', "updatedAt" = now()
      WHERE "Turn"."id" = (call->>'turnId')::uuid
        AND NOT EXISTS (SELECT 1 FROM "DeliveryPart" p WHERE p."turnId" = (call->>'turnId')::uuid AND p."deliveredAt" IS NULL);
      delivered := FOUND;
    END IF;
  END IF;
  RETURN QUERY SELECT delivered, refusal;
END
$$;

-- A generated turn whose every part is confirmed is delivered.
CREATE FUNCTION "sb_mark_delivered"(call jsonb)
RETURNS TABLE ("refused" text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  refusal text := "sb_turn_refusal"((call->>'turnId')::uuid, call->>'holder', ARRAY['generated']::"TurnStatus"[]);
BEGIN
  IF refusal IS NULL AND EXISTS (SELECT 1 FROM "DeliveryPart" p WHERE p."turnId" = (call->>'turnId')::uuid AND p."deliveredAt" IS NULL) THEN
    refusal := 'parts undelivered';
  END IF;
  IF refusal IS NULL THEN
    UPDATE "Turn" SET "status" = 'delivered', "updatedAt" = now() WHERE "Turn"."id" = (call->>'turnId')::uuid;
  END IF;
  RETURN QUERY SELECT refusal;
END
$$;

-- A turn not finished yet fails with its reason; "holder" is null when the queue gives up on the
-- message (it holds no session).
CREATE FUNCTION "sb_mark_failed"(call jsonb)
RETURNS TABLE ("refused" text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  refusal text := "sb_turn_refusal"((call->>'turnId')::uuid, call->>'holder', ARRAY['running', 'generated']::"TurnStatus"[]);
BEGIN
  IF refusal IS NULL THEN
    UPDATE "Turn" SET "status" = 'failed', "error" = call->>'error', "updatedAt" = now() WHERE "Turn"."id" = (call->>'turnId')::uuid;
  END IF;
  RETURN QUERY SELECT refusal;
END
$$;
