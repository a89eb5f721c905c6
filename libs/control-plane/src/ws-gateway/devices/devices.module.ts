import { Module } from '@nestjs/common';
import { DatabaseDeviceStore } from '../ports/database-device-store';
import { replicaBusProvider } from '../ports/redis-replica-bus';
import { DevicesAdminService } from './devices-admin';

/** Device pairing on the database without the control plane: the CLI's path when no gateway runs. */
// With Redis, the running replicas still hear of decisions and revocations made here.
@Module({ providers: [DatabaseDeviceStore, replicaBusProvider, DevicesAdminService], exports: [DevicesAdminService] })
export class DevicesModule {}
