-- CreateTable
CREATE TABLE "ScheduledPrompt" (
    "id" UUID NOT NULL,
    "name" TEXT NOT NULL,
    "cronExpression" TEXT NOT NULL,
    "timeZone" TEXT NOT NULL,
    "prompt" TEXT NOT NULL,
    "platform" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "chatType" "ChatType" NOT NULL,
    "chatId" TEXT NOT NULL,
    "threadId" TEXT,
    "createdBy" TEXT NOT NULL,
    "enabled" BOOLEAN NOT NULL DEFAULT true,
    "lastRunAt" TIMESTAMPTZ(3),
    "nextRunAt" TIMESTAMPTZ(3) NOT NULL,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "ScheduledPrompt_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "HomeChannel" (
    "platform" TEXT NOT NULL,
    "userId" TEXT NOT NULL,
    "accountId" TEXT NOT NULL,
    "chatType" "ChatType" NOT NULL,
    "chatId" TEXT NOT NULL,
    "threadId" TEXT,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "HomeChannel_pkey" PRIMARY KEY ("platform","userId")
);

-- CreateIndex
CREATE UNIQUE INDEX "ScheduledPrompt_name_key" ON "ScheduledPrompt"("name");

-- CreateIndex
CREATE INDEX "ScheduledPrompt_enabled_nextRunAt_idx" ON "ScheduledPrompt"("enabled", "nextRunAt");
