import { Command } from 'commander';
import type { DevicesAdmin } from '@switchboard/control-plane/ws-gateway/devices/devices-admin';
import { cliActor } from './cli-actor';
import { GlobalOptions, loadCliConfig } from './cli-config';

/** Runs `work` through the running gateway or on the database (loaded on use: it needs Nest). */
async function withAdmin<T>(global: () => GlobalOptions, work: (admin: DevicesAdmin) => Promise<T>): Promise<T> {
  const { withDevicesAdmin } = await import('./devices-admin.client.js');
  return withDevicesAdmin(loadCliConfig(global()), work);
}

const print = (line: string): void => {
  process.stdout.write(`${line}\n`);
};

const iso = (ms: number) => new Date(ms).toISOString();

export function devicesCommand(global: () => GlobalOptions): Command {
  const command = new Command('devices').description('control-plane clients (OpenClaw device identities) and their pairing requests');
  const run = <T>(work: (admin: DevicesAdmin) => Promise<T>) => withAdmin(global, work);

  command
    .command('list')
    .description('pending pairing requests, then paired devices')
    .action(async () => {
      const { pending, paired } = await run((admin) => admin.listDevices());
      if (!pending.length) print('no pending device pairing requests');
      for (const r of pending) {
        const name = r.displayName ? ` (${r.displayName})` : '';
        print(`pending\t${r.requestId}\t${r.role}\t${r.clientId}${name}\tfrom ${r.remoteIp || 'unknown'}\tasks ${r.scopes.join(',') || 'no scopes'}\tsince ${iso(r.createdAtMs)}`);
      }
      if (!paired.length) print('no paired devices');
      for (const d of paired) {
        const name = d.displayName ? ` (${d.displayName})` : '';
        print(`paired\t${d.deviceId}\t${d.roles.join(',')}\t${d.clientId}${name}\t${d.scopes.join(',') || 'no scopes'}\tapproved ${iso(d.approvedAtMs)}`);
      }
    });

  command
    .command('approve')
    .argument('<requestId>', 'the request id (the device id) from `switchboard devices list` or the client')
    .description('pair the device with the scopes it asked for; it can connect at once')
    .action(async (requestId: string) => {
      const device = await run((admin) => admin.approveDevice(requestId, cliActor()));
      print(`approved device ${device.deviceId} (${device.clientId}) as ${device.roles.join(',')} with ${device.scopes.join(',') || 'no scopes'}`);
    });

  command
    .command('reject')
    .argument('<requestId>')
    .action(async (requestId: string) => {
      const request = await run((admin) => admin.rejectDevice(requestId, cliActor()));
      print(`rejected the pairing request of device ${request.deviceId} (${request.clientId})`);
    });

  command
    .command('revoke')
    .argument('<deviceId>', 'a paired device from `switchboard devices list`')
    .description('unpair the device: its token stops working, its connections close, and it must ask for pairing again')
    .action(async (deviceId: string) => {
      const device = await run((admin) => admin.revokeDevice(deviceId, cliActor()));
      print(`revoked device ${device.deviceId} (${device.clientId})`);
    });
  return command;
}
