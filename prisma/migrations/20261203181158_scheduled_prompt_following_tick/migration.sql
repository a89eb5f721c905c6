-- AlterTable
ALTER TABLE "ScheduledPrompt" ADD COLUMN     "followingRunAt" TIMESTAMPTZ(3);

-- CreateIndex
CREATE INDEX "ScheduledPrompt_followingRunAt_nextRunAt_idx" ON "ScheduledPrompt"("followingRunAt", "nextRunAt");
