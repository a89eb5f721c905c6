-- The console searches allowlist ids and notes and message texts anywhere in the text
-- (ILIKE '%words%'): trigram GIN indexes answer that without reading every row. pg_trgm ships with
-- PostgreSQL and is a trusted extension (PostgreSQL 13+): the database owner may create it.
-- Prisma's schema does not declare extensions (a preview feature), so schema.prisma only names the
-- indexes; this line is the one part `db create-migration` cannot write.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- DropIndex
DROP INDEX "Session_lastActivityAt_idx";

-- CreateIndex
CREATE INDEX "AllowlistEntry_userId_idx" ON "AllowlistEntry" USING GIN ("userId" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "AllowlistEntry_note_idx" ON "AllowlistEntry" USING GIN ("note" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "AllowlistEntry_createdAt_id_idx" ON "AllowlistEntry"("createdAt", "id");

-- CreateIndex
CREATE INDEX "AllowlistEntry_userId_id_idx" ON "AllowlistEntry"("userId", "id");

-- CreateIndex
CREATE INDEX "AllowlistEntry_platform_id_idx" ON "AllowlistEntry"("platform", "id");

-- CreateIndex
CREATE INDEX "Message_text_idx" ON "Message" USING GIN ("text" gin_trgm_ops);

-- CreateIndex
CREATE INDEX "Session_lastActivityAt_id_idx" ON "Session"("lastActivityAt", "id");
