-- CreateTable
CREATE TABLE "Conversation" (
    "id" UUID NOT NULL,
    "sessionId" UUID NOT NULL,
    "startedBy" TEXT,
    "title" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "Conversation_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "Conversation_sessionId_createdAt_idx" ON "Conversation"("sessionId", "createdAt");

-- AddForeignKey
ALTER TABLE "Conversation" ADD CONSTRAINT "Conversation_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AlterTable
ALTER TABLE "Message" ADD COLUMN     "conversationId" UUID;

-- AlterTable
ALTER TABLE "Session" ADD COLUMN     "conversationId" UUID;

-- Each session's conversations as its resets drew them: the one since its last reset (the active
-- one, with the session's title) and, for a session that was reset, the one before it.
UPDATE "Session" SET "conversationId" = gen_random_uuid();
INSERT INTO "Conversation" ("id", "sessionId", "title", "createdAt")
SELECT s."conversationId", s."id", s."title", coalesce(s."resetAt", s."createdAt") FROM "Session" s;
INSERT INTO "Conversation" ("id", "sessionId", "createdAt")
SELECT gen_random_uuid(), s."id", s."createdAt" FROM "Session" s WHERE s."resetAt" IS NOT NULL;
UPDATE "Message" m
SET "conversationId" = CASE
  WHEN s."resetAt" IS NULL OR m."createdAt" > s."resetAt" THEN s."conversationId"
  ELSE (SELECT c."id" FROM "Conversation" c WHERE c."sessionId" = s."id" AND c."id" <> s."conversationId") END
FROM "Session" s WHERE s."id" = m."sessionId";

-- AlterTable
ALTER TABLE "Session" DROP COLUMN "title";

-- sb_accept_inbound as in chat_settings_and_summaries; the message joins the session's active
-- conversation, which a new session starts with (its row is written only once: ON CONFLICT, not a
-- snapshot's NOT EXISTS, since /new may have committed a newer one while this statement waited).
DROP FUNCTION "sb_accept_inbound"(jsonb);
CREATE FUNCTION "sb_accept_inbound"(call jsonb)
RETURNS TABLE (
  "id" uuid, "key" text, "agentId" text, "platform" text, "accountId" text, "chatType" "ChatType", "chatId" text,
  "threadId" text, "createdAt" timestamptz, "lastActivityAt" timestamptz, "resetAt" timestamptz,
  "previousActivityAt" timestamptz, "messageId" uuid, "messageCreatedAt" timestamptz, "storedBeforeId" uuid, "busyMode" text,
  "conversationId" uuid)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH previous AS (SELECT s."lastActivityAt" FROM "Session" s WHERE s."key" = call->>'key'),
  session AS (
    INSERT INTO "Session" ("id", "key", "agentId", "platform", "accountId", "chatType", "chatId", "threadId", "updatedAt",
                           "lastActivityAt", "conversationId")
    VALUES (gen_random_uuid(), call->>'key', call->>'agentId', call->>'platform', call->>'accountId',
            (call->>'chatType')::"ChatType", call->>'chatId', call->>'threadId',
            (call->>'at')::timestamptz, (call->>'at')::timestamptz, gen_random_uuid())
    ON CONFLICT ("key") DO UPDATE SET "lastActivityAt" = EXCLUDED."lastActivityAt", "updatedAt" = EXCLUDED."updatedAt"
    RETURNING *),
  conversation AS (
    INSERT INTO "Conversation" ("id", "sessionId", "createdAt")
    SELECT session."conversationId", session."id", (call->>'at')::timestamptz FROM session
    ON CONFLICT ("id") DO NOTHING),
  inserted AS (
    INSERT INTO "Message" ("id", "sessionId", "conversationId", "direction", "role", "platform", "accountId", "platformMessageId",
                           "senderId", "senderName", "text", "attachments", "metadata", "createdAt")
    SELECT gen_random_uuid(), session."id", session."conversationId", 'inbound', 'user', call->>'platform', call->>'accountId',
           call->>'platformMessageId', call->>'senderId', call->>'senderName', call->>'text', call->'attachments', call->'metadata',
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
         session."busyMode", session."conversationId"
  FROM session LEFT JOIN inserted ON true;
END
$$;

-- sb_start_turn as in chat_settings_and_summaries; the history and the later messages are those
-- of the message's conversation (no longer those after the session's reset), and the session
-- comes with that conversation and its title.
DROP FUNCTION "sb_start_turn"(jsonb);
CREATE FUNCTION "sb_start_turn"(call jsonb)
RETURNS TABLE (
  "id" uuid, "key" text, "agentId" text, "platform" text, "accountId" text, "chatType" "ChatType", "chatId" text,
  "threadId" text, "createdAt" timestamptz, "lastActivityAt" timestamptz, "resetAt" timestamptz,
  "model" text, "personality" text, "title" text, "reasoning" text, "showReasoning" boolean, "busyMode" text,
  "conversationId" uuid,
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
         s."createdAt", s."lastActivityAt", s."resetAt", s."model", s."personality", c."title",
         s."reasoning", s."showReasoning", s."busyMode", m."conversationId",
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
                WHERE x."sessionId" = s."id" AND x."conversationId" = m."conversationId"
                  AND x."role" IN ('user', 'assistant') AND x."id" <> m."id" AND x."undoneAt" IS NULL
                  AND coalesce((x."metadata"->>'stopped')::boolean, false) = false
                  AND CASE WHEN q."id" IS NULL THEN x."createdAt" <= m."createdAt" ELSE q."createdAt" < m."createdAt" END
                ORDER BY "at" DESC, x."createdAt" DESC
                LIMIT (call->>'historyLimit')::int) h),
         (SELECT coalesce(json_agg(l."text" ORDER BY l."createdAt"), '[]'::json)
          FROM (SELECT x."text", x."createdAt" FROM "Message" x
                WHERE x."sessionId" = s."id" AND x."conversationId" = m."conversationId" AND x."direction" = 'inbound'
                  AND x."createdAt" > m."createdAt"
                ORDER BY x."createdAt" LIMIT 50) l)
  FROM turn JOIN "Message" m ON m."id" = turn."inboundMessageId" JOIN "Session" s ON s."id" = m."sessionId"
  LEFT JOIN "Conversation" c ON c."id" = m."conversationId";
END
$$;

-- sb_save_generated as in turn_guards; the reply joins its message's conversation.
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
    INSERT INTO "Message" ("id", "sessionId", "conversationId", "direction", "role", "platform", "accountId", "text", "inputTokens",
                           "outputTokens", "metadata", "createdAt")
    SELECT gen_random_uuid(), (call->>'sessionId')::uuid, m."conversationId", 'outbound', 'assistant', m."platform", m."accountId",
           call->>'text', (call->>'inputTokens')::int, (call->>'outputTokens')::int, call->'metadata',
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

-- Closes the turns a later turn ("turnId", run by "holder") makes moot, and returns their ids: the
-- session's turns of messages accepted before its own that still run but wait on a tool call's
-- approval, or whose waiting call was decided and that have not resumed yet (their message is
-- pending again). Their calls that have not run ("pending_approval", and "approved" when
-- "approvedToo") are denied with "result", the turns fail with "error" (which takes their messages
-- out of the pending ones), so nothing resumes them. A turn with an approved call is left alone
-- unless "approvedToo" (an approval asked for that call to run). "sameConversation": only turns
-- of the later message's conversation (the ones whose messages its history holds).
-- The candidate turns' rows are locked first and the rest read afterwards, in the order
-- sb_decide_tool_call takes them: a decision is either seen here or made after, on a closed turn.
CREATE FUNCTION "sb_close_parked_turns"(call jsonb)
RETURNS TABLE ("turnId" uuid, "refused" text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
DECLARE
  refusal text := "sb_turn_refusal"((call->>'turnId')::uuid, call->>'holder', ARRAY['running']::"TurnStatus"[]);
  later "Message"%ROWTYPE;
  settled "ToolCallStatus"[] := CASE WHEN (call->>'approvedToo')::boolean
                                     THEN ARRAY['pending_approval', 'approved']::"ToolCallStatus"[]
                                     ELSE ARRAY['pending_approval']::"ToolCallStatus"[] END;
BEGIN
  IF refusal IS NOT NULL THEN
    RETURN QUERY SELECT NULL::uuid, refusal;
    RETURN;
  END IF;
  SELECT m.* INTO later FROM "Turn" t JOIN "Message" m ON m."id" = t."inboundMessageId" WHERE t."id" = (call->>'turnId')::uuid;
  PERFORM 1 FROM "Turn" t JOIN "Message" m ON m."id" = t."inboundMessageId"
  WHERE m."sessionId" = later."sessionId" AND t."status" = 'running' AND t."id" <> (call->>'turnId')::uuid
  ORDER BY t."id" FOR UPDATE OF t;
  RETURN QUERY
  WITH parked AS (
    SELECT t."id" FROM "Turn" t JOIN "Message" m ON m."id" = t."inboundMessageId"
    WHERE m."sessionId" = later."sessionId" AND t."status" = 'running' AND t."id" <> (call->>'turnId')::uuid
      AND m."createdAt" < later."createdAt"
      AND (NOT (call->>'sameConversation')::boolean OR m."conversationId" = later."conversationId")
      AND EXISTS (SELECT 1 FROM "ToolCall" tc WHERE tc."turnId" = t."id" AND tc."status" = ANY (settled || ARRAY['denied', 'expired']::"ToolCallStatus"[]))
      AND NOT EXISTS (SELECT 1 FROM "ToolCall" tc WHERE tc."turnId" = t."id" AND tc."status" = 'approved' AND NOT ('approved' = ANY (settled)))),
  denied AS (
    UPDATE "ToolCall" tc SET "status" = 'denied', "result" = call->>'result', "decidedBy" = call->>'decidedBy', "updatedAt" = now()
    FROM parked WHERE tc."turnId" = parked."id" AND tc."status" = ANY (settled)),
  closed AS (
    UPDATE "Turn" t SET "status" = 'failed', "error" = call->>'error', "updatedAt" = now()
    FROM parked WHERE t."id" = parked."id"
    RETURNING t."id")
  SELECT closed."id", NULL::text FROM closed;
END
$$;

-- sb_decide_tool_call as in tool_calls, but it first locks the call's turn (see
-- sb_close_parked_turns), and decides only a call whose turn still runs: a closed turn's calls
-- were settled with it.
CREATE OR REPLACE FUNCTION "sb_decide_tool_call"(call jsonb)
RETURNS TABLE ("status" "ToolCallStatus", "tool" text, "messageId" uuid, "sessionKey" text, "jobId" text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  PERFORM 1 FROM "Turn" t JOIN "ToolCall" tc ON tc."turnId" = t."id" WHERE tc."id" = (call->>'id')::uuid FOR UPDATE OF t;
  RETURN QUERY
  WITH decided AS (
    UPDATE "ToolCall" tc
    SET "status" = CASE WHEN tc."expiresAt" <= now() THEN 'expired' ELSE (call->>'decision')::"ToolCallStatus" END,
        "decidedBy" = call->>'decidedBy', "updatedAt" = now()
    FROM "Turn" t
    WHERE tc."id" = (call->>'id')::uuid AND tc."status" = 'pending_approval' AND t."id" = tc."turnId" AND t."status" = 'running'
    RETURNING tc."id", tc."status", tc."tool", tc."turnId"),
  target AS (
    SELECT d."id", d."status", d."tool", m."id" AS "messageId", s."key"
    FROM decided d JOIN "Turn" t ON t."id" = d."turnId" JOIN "Message" m ON m."id" = t."inboundMessageId"
    JOIN "Session" s ON s."id" = m."sessionId"),
  pending AS (
    INSERT INTO "PendingMessage" ("messageId", "queuedAt", "jobId")
    SELECT target."messageId", now(), target."messageId" || ':' || target."id" FROM target
    ON CONFLICT ("messageId") DO UPDATE SET "queuedAt" = EXCLUDED."queuedAt", "jobId" = EXCLUDED."jobId")
  SELECT target."status", target."tool", target."messageId", target."key", target."messageId" || ':' || target."id" FROM target;
END
$$;
