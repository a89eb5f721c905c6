-- AlterTable
ALTER TABLE "PairingRequest" ADD COLUMN     "accountId" TEXT NOT NULL DEFAULT 'default';
