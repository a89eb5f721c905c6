-- CreateEnum
CREATE TYPE "ToolCallStatus" AS ENUM ('pending', 'running', 'pending_approval', 'approved', 'denied', 'expired', 'completed');

-- AlterTable
ALTER TABLE "PendingMessage" ADD COLUMN     "jobId" TEXT;

-- CreateTable
CREATE TABLE "ToolCall" (
    "id" UUID NOT NULL,
    "turnId" UUID NOT NULL,
    "sessionId" UUID NOT NULL,
    "senderId" TEXT,
    "step" INTEGER NOT NULL,
    "index" INTEGER NOT NULL,
    "callId" TEXT NOT NULL,
    "tool" TEXT NOT NULL,
    "arguments" TEXT NOT NULL,
    "stepText" TEXT NOT NULL DEFAULT '',
    "status" "ToolCallStatus" NOT NULL,
    "result" TEXT,
    "isError" BOOLEAN NOT NULL DEFAULT false,
    "durationMs" INTEGER,
    "expiresAt" TIMESTAMPTZ(3),
    "decidedBy" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "ToolCall_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE INDEX "ToolCall_sessionId_status_idx" ON "ToolCall"("sessionId", "status");

-- CreateIndex
CREATE INDEX "ToolCall_status_expiresAt_idx" ON "ToolCall"("status", "expiresAt");

-- CreateIndex
CREATE UNIQUE INDEX "ToolCall_turnId_step_index_key" ON "ToolCall"("turnId", "step", "index");

-- AddForeignKey
ALTER TABLE "ToolCall" ADD CONSTRAINT "ToolCall_turnId_fkey" FOREIGN KEY ("turnId") REFERENCES "Turn"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "ToolCall" ADD CONSTRAINT "ToolCall_sessionId_fkey" FOREIGN KEY ("sessionId") REFERENCES "Session"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- The writes of a turn's tool calls are fenced like the turn's own (see turn_guards): only while the
-- turn is running, only by the run holding its session. Each returns why it was refused, or null.

-- Records the calls of one model step ("calls": index, callId, tool, arguments, status, result,
-- isError, expiresAt) before any of them runs. Recorded again (a run that died before its first
-- call started), the step keeps its rows.
CREATE FUNCTION "sb_record_tool_step"(call jsonb)
RETURNS TABLE ("refused" text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  refusal text := "sb_turn_refusal"((call->>'turnId')::uuid, call->>'holder', ARRAY['running']::"TurnStatus"[]);
BEGIN
  IF refusal IS NULL THEN
    INSERT INTO "ToolCall" ("id", "turnId", "sessionId", "senderId", "step", "index", "callId", "tool", "arguments", "stepText",
                            "status", "result", "isError", "expiresAt", "updatedAt")
    SELECT gen_random_uuid(), (call->>'turnId')::uuid, (call->>'sessionId')::uuid, call->>'senderId', (call->>'step')::int,
           (c->>'index')::int, c->>'callId', c->>'tool', c->>'arguments', call->>'stepText', (c->>'status')::"ToolCallStatus",
           c->>'result', coalesce((c->>'isError')::boolean, false), (c->>'expiresAt')::timestamptz, now()
    FROM jsonb_array_elements(call->'calls') c
    ON CONFLICT ("turnId", "step", "index") DO NOTHING;
  END IF;
  RETURN QUERY SELECT refusal;
END
$$;

-- Moves one call ("id") from one of the states "from" to "status", with its result when it has one.
-- Refused with 'call <status>' when the call is in none of them.
CREATE FUNCTION "sb_update_tool_call"(call jsonb)
RETURNS TABLE ("refused" text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  refusal text := "sb_turn_refusal"((call->>'turnId')::uuid, call->>'holder', ARRAY['running']::"TurnStatus"[]);
  current_status "ToolCallStatus";
BEGIN
  IF refusal IS NULL THEN
    SELECT tc."status" INTO current_status FROM "ToolCall" tc WHERE tc."id" = (call->>'id')::uuid FOR UPDATE;
    IF NOT (current_status::text IN (SELECT jsonb_array_elements_text(call->'from'))) THEN
      refusal := 'call ' || coalesce(current_status::text, 'missing');
    ELSE
      UPDATE "ToolCall" SET "status" = (call->>'status')::"ToolCallStatus", "result" = coalesce(call->>'result', "result"),
                            "isError" = coalesce((call->>'isError')::boolean, "isError"),
                            "durationMs" = coalesce((call->>'durationMs')::int, "durationMs"), "updatedAt" = now()
      WHERE "id" = (call->>'id')::uuid;
    END IF;
  END IF;
  RETURN QUERY SELECT refusal;
END
$$;

-- Parks a running turn whose tool call waits for approval: the job ends without holding the
-- session, the message stops being pending (the sweeper leaves it to the decision) and the draft
-- that asked stays in the chat as it is (the resumed turn streams its answer into a new one).
-- Refused with 'decided' when no call of the turn waits any more (it expired meanwhile): the run
-- goes on instead.
CREATE FUNCTION "sb_park_turn"(call jsonb)
RETURNS TABLE ("refused" text)
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  refusal text := "sb_turn_refusal"((call->>'turnId')::uuid, call->>'holder', ARRAY['running']::"TurnStatus"[]);
BEGIN
  IF refusal IS NULL AND NOT EXISTS (SELECT 1 FROM "ToolCall" tc WHERE tc."turnId" = (call->>'turnId')::uuid AND tc."status" = 'pending_approval') THEN
    refusal := 'decided';
  END IF;
  IF refusal IS NULL THEN
    DELETE FROM "DeliveryPart" WHERE "turnId" = (call->>'turnId')::uuid;
    DELETE FROM "PendingMessage" p USING "Turn" t WHERE t."id" = (call->>'turnId')::uuid AND p."messageId" = t."inboundMessageId";
  END IF;
  RETURN QUERY SELECT refusal;
END
$$;

-- Decides a call waiting for approval ("decision": approved, denied or expired; an approval or
-- denial after "expiresAt" expires it) and makes its turn's message pending again, with a job id of
-- its own, so the turn resumes (queued by the caller, or by the sweeper if that fails). Returns the
-- call as decided; no row when it was not waiting.
CREATE FUNCTION "sb_decide_tool_call"(call jsonb)
RETURNS TABLE ("status" "ToolCallStatus", "tool" text, "messageId" uuid, "sessionKey" text, "jobId" text)
LANGUAGE plpgsql VOLATILE AS $$
#variable_conflict use_column
BEGIN
  RETURN QUERY
  WITH decided AS (
    UPDATE "ToolCall" tc
    SET "status" = CASE WHEN tc."expiresAt" <= now() THEN 'expired' ELSE (call->>'decision')::"ToolCallStatus" END,
        "decidedBy" = call->>'decidedBy', "updatedAt" = now()
    WHERE tc."id" = (call->>'id')::uuid AND tc."status" = 'pending_approval'
    RETURNING tc."id", tc."status", tc."tool", tc."turnId"),
  target AS (
    SELECT d."id", d."status", d."tool", m."id" AS "messageId", s."key", t."status" AS "turnStatus"
    FROM decided d JOIN "Turn" t ON t."id" = d."turnId" JOIN "Message" m ON m."id" = t."inboundMessageId"
    JOIN "Session" s ON s."id" = m."sessionId"),
  pending AS (
    INSERT INTO "PendingMessage" ("messageId", "queuedAt", "jobId")
    SELECT target."messageId", now(), target."messageId" || ':' || target."id" FROM target WHERE target."turnStatus" = 'running'
    ON CONFLICT ("messageId") DO UPDATE SET "queuedAt" = EXCLUDED."queuedAt", "jobId" = EXCLUDED."jobId")
  SELECT target."status", target."tool", target."messageId", target."key", target."messageId" || ':' || target."id" FROM target;
END
$$;
