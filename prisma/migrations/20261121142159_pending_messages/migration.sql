-- Accepted messages not answered yet (see model PendingMessage): the webhook is acked once the
-- message is stored, and queued after; whatever was not queued, or lost its job, is queued again.
-- CreateTable
CREATE TABLE "PendingMessage" (
    "messageId" UUID NOT NULL,
    "queuedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PendingMessage_pkey" PRIMARY KEY ("messageId")
);

-- CreateIndex
CREATE INDEX "PendingMessage_queuedAt_idx" ON "PendingMessage"("queuedAt");

-- AddForeignKey
ALTER TABLE "PendingMessage" ADD CONSTRAINT "PendingMessage_messageId_fkey" FOREIGN KEY ("messageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Messages accepted before this migration whose turn has not finished.
INSERT INTO "PendingMessage" ("messageId", "queuedAt")
SELECT m."id", now() FROM "Message" m LEFT JOIN "Turn" t ON t."inboundMessageId" = m."id"
WHERE m."direction" = 'inbound' AND (t."id" IS NULL OR t."status" IN ('running', 'generated'));

-- sb_accept_inbound as in batched_hot_path, and the stored message is pending.
CREATE OR REPLACE FUNCTION "sb_accept_inbound"(call jsonb)
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
    RETURNING "Message"."id", "Message"."createdAt"),
  pending AS (
    INSERT INTO "PendingMessage" ("messageId", "queuedAt") SELECT inserted."id", now() FROM inserted)
  SELECT session."id", session."key", session."agentId", session."platform", session."accountId", session."chatType",
         session."chatId", session."threadId", session."createdAt", session."lastActivityAt", session."resetAt",
         (SELECT previous."lastActivityAt" FROM previous), inserted."id", inserted."createdAt",
         (SELECT m."id" FROM "Message" m
          WHERE NOT EXISTS (SELECT 1 FROM inserted) AND m."platform" = call->>'platform' AND m."accountId" = call->>'accountId'
            AND m."direction" = 'inbound' AND m."platformMessageId" = call->>'platformMessageId')
  FROM session LEFT JOIN inserted ON true;
END
$$;

-- A turn that is delivered or failed takes its message out of the pending ones, whichever
-- statement finished it.
CREATE FUNCTION "sb_turn_finished"() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
  DELETE FROM "PendingMessage" WHERE "messageId" = NEW."inboundMessageId";
  RETURN NULL;
END
$$;

CREATE TRIGGER "Turn_finished" AFTER UPDATE OF "status" ON "Turn"
FOR EACH ROW WHEN (NEW."status" IN ('delivered', 'failed'))
EXECUTE FUNCTION "sb_turn_finished"();
