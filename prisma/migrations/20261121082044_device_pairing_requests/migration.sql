-- AlterTable
ALTER TABLE "Device" ADD COLUMN     "clientMode" TEXT NOT NULL DEFAULT '',
ADD COLUMN     "remoteIp" TEXT,
ADD COLUMN     "requestedAt" TIMESTAMPTZ(3),
ADD COLUMN     "requestedScopes" TEXT[] DEFAULT ARRAY[]::TEXT[],
ADD COLUMN     "roles" TEXT[] DEFAULT ARRAY[]::TEXT[];
