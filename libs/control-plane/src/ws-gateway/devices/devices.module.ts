import { Module } from '@nestjs/common';
import { PersistenceModule } from '@switchboard/persistence';
import { DEVICE_STORE } from '../../ws/ports/device-store.port';
import { DatabaseDeviceStore } from '../ports/database-device-store';
import { replicaBusProvider } from '../ports/redis-replica-bus';
import { DevicesAdminService } from './devices-admin';

/** Device pairing on the database without the control plane: the CLI's path when no gateway runs. */
// With Redis, the running replicas still hear of decisions and revocations made here.
@Module({
  imports: [PersistenceModule],
  providers: [{ provide: DEVICE_STORE, useClass: DatabaseDeviceStore }, replicaBusProvider, DevicesAdminService],
  exports: [DevicesAdminService],
})
export class DevicesModule {}
