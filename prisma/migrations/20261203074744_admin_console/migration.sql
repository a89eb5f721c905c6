-- AlterEnum
BEGIN;
CREATE TYPE "OperatorRole_new" AS ENUM ('owner', 'admin', 'operator', 'auditor');
ALTER TABLE "public"."Operator" ALTER COLUMN "role" DROP DEFAULT;
ALTER TABLE "Operator" ALTER COLUMN "role" TYPE "OperatorRole_new" USING ("role"::text::"OperatorRole_new");
ALTER TYPE "OperatorRole" RENAME TO "OperatorRole_old";
ALTER TYPE "OperatorRole_new" RENAME TO "OperatorRole";
DROP TYPE "public"."OperatorRole_old";
COMMIT;

-- DropForeignKey
ALTER TABLE "AuditEvent" DROP CONSTRAINT "AuditEvent_operatorId_fkey";

-- DropIndex
DROP INDEX "AuditEvent_action_createdAt_idx";

-- DropIndex
DROP INDEX "AuditEvent_operatorId_createdAt_idx";

-- AlterTable
ALTER TABLE "AuditEvent" DROP CONSTRAINT "AuditEvent_pkey",
DROP COLUMN "actorId",
DROP COLUMN "actorType",
DROP COLUMN "details",
DROP COLUMN "id",
ADD COLUMN     "actor" TEXT NOT NULL,
ADD COLUMN     "after" JSONB,
ADD COLUMN     "before" JSONB,
ADD COLUMN     "hash" TEXT NOT NULL,
ADD COLUMN     "prevHash" TEXT NOT NULL,
ADD COLUMN     "seq" BIGINT NOT NULL,
ADD COLUMN     "userAgent" TEXT,
ALTER COLUMN "createdAt" DROP DEFAULT,
ADD CONSTRAINT "AuditEvent_pkey" PRIMARY KEY ("seq");

-- AlterTable
ALTER TABLE "Operator" ADD COLUMN     "failedLogins" INTEGER NOT NULL DEFAULT 0,
ADD COLUMN     "lastLoginAt" TIMESTAMPTZ(3),
ADD COLUMN     "lockedUntil" TIMESTAMPTZ(3),
ADD COLUMN     "ssoSubject" TEXT,
ALTER COLUMN "role" DROP DEFAULT;

-- CreateTable
CREATE TABLE "AdminSession" (
    "id" UUID NOT NULL,
    "tokenHash" TEXT NOT NULL,
    "operatorId" UUID NOT NULL,
    "csrfToken" TEXT NOT NULL,
    "method" TEXT NOT NULL,
    "ip" TEXT,
    "userAgent" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lastSeenAt" TIMESTAMPTZ(3) NOT NULL,
    "idleExpiresAt" TIMESTAMPTZ(3) NOT NULL,
    "expiresAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "AdminSession_pkey" PRIMARY KEY ("id")
);

-- CreateIndex
CREATE UNIQUE INDEX "AdminSession_tokenHash_key" ON "AdminSession"("tokenHash");

-- CreateIndex
CREATE INDEX "AdminSession_operatorId_idx" ON "AdminSession"("operatorId");

-- CreateIndex
CREATE INDEX "AdminSession_expiresAt_idx" ON "AdminSession"("expiresAt");

-- CreateIndex
CREATE INDEX "AuditEvent_actor_seq_idx" ON "AuditEvent"("actor", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_action_seq_idx" ON "AuditEvent"("action", "seq");

-- CreateIndex
CREATE INDEX "AuditEvent_targetType_targetId_seq_idx" ON "AuditEvent"("targetType", "targetId", "seq");

-- CreateIndex
CREATE UNIQUE INDEX "Operator_ssoSubject_key" ON "Operator"("ssoSubject");

-- AddForeignKey
ALTER TABLE "AdminSession" ADD CONSTRAINT "AdminSession_operatorId_fkey" FOREIGN KEY ("operatorId") REFERENCES "Operator"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- Audit events are append-only. UPDATE, DELETE and TRUNCATE are refused, except the DELETE of the
-- retention prune, which sets switchboard.audit_prune for its own transaction (AuditRepository.prune).
-- The trigger stops mistakes; the hash chain detects whatever gets past it.
CREATE FUNCTION audit_event_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' AND current_setting('switchboard.audit_prune', true) = 'on' THEN
    RETURN OLD;
  END IF;
  RAISE EXCEPTION 'audit events are append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END
$$;

CREATE TRIGGER "AuditEvent_append_only" BEFORE UPDATE OR DELETE ON "AuditEvent"
  FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();
CREATE TRIGGER "AuditEvent_no_truncate" BEFORE TRUNCATE ON "AuditEvent"
  FOR EACH STATEMENT EXECUTE FUNCTION audit_event_append_only();
