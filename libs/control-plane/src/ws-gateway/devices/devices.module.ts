import { Module } from '@nestjs/common';
import { DatabaseDeviceStore } from '../ports/database-device-store';
import { DevicesAdminService } from './devices-admin';

/** Device pairing on the database without the control plane: the CLI's path when no gateway runs. */
@Module({ providers: [DatabaseDeviceStore, DevicesAdminService], exports: [DevicesAdminService] })
export class DevicesModule {}
