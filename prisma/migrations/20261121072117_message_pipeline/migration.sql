-- CreateEnum
CREATE TYPE "TurnStatus" AS ENUM ('running', 'generated', 'delivered', 'failed');

-- CreateTable
CREATE TABLE "Turn" (
    "id" UUID NOT NULL,
    "inboundMessageId" UUID NOT NULL,
    "replyMessageId" UUID,
    "status" "TurnStatus" NOT NULL DEFAULT 'running',
    "attempts" INTEGER NOT NULL DEFAULT 0,
    "model" TEXT,
    "error" TEXT,
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "Turn_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "DeliveryPart" (
    "id" UUID NOT NULL,
    "turnId" UUID NOT NULL,
    "index" INTEGER NOT NULL,
    "text" TEXT NOT NULL DEFAULT '',
    "platformMessageId" TEXT,
    "deliveredAt" TIMESTAMPTZ(3),
    "createdAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "DeliveryPart_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "PairingApprovalGuard" (
    "platform" TEXT NOT NULL,
    "failures" INTEGER NOT NULL DEFAULT 0,
    "windowStartedAt" TIMESTAMPTZ(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,
    "lockedUntil" TIMESTAMPTZ(3),
    "updatedAt" TIMESTAMPTZ(3) NOT NULL,

    CONSTRAINT "PairingApprovalGuard_pkey" PRIMARY KEY ("platform")
);

-- CreateIndex
CREATE UNIQUE INDEX "Turn_inboundMessageId_key" ON "Turn"("inboundMessageId");

-- CreateIndex
CREATE UNIQUE INDEX "Turn_replyMessageId_key" ON "Turn"("replyMessageId");

-- CreateIndex
CREATE INDEX "Turn_status_updatedAt_idx" ON "Turn"("status", "updatedAt");

-- CreateIndex
CREATE UNIQUE INDEX "DeliveryPart_turnId_index_key" ON "DeliveryPart"("turnId", "index");

-- AddForeignKey
ALTER TABLE "Turn" ADD CONSTRAINT "Turn_inboundMessageId_fkey" FOREIGN KEY ("inboundMessageId") REFERENCES "Message"("id") ON DELETE CASCADE ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "Turn" ADD CONSTRAINT "Turn_replyMessageId_fkey" FOREIGN KEY ("replyMessageId") REFERENCES "Message"("id") ON DELETE SET NULL ON UPDATE CASCADE;

-- AddForeignKey
ALTER TABLE "DeliveryPart" ADD CONSTRAINT "DeliveryPart_turnId_fkey" FOREIGN KEY ("turnId") REFERENCES "Turn"("id") ON DELETE CASCADE ON UPDATE CASCADE;
