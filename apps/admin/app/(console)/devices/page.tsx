'use client';

import { Stack, Title } from '@mantine/core';
import { PageHeader } from '@/components/page-header';
import { Screen } from '@/components/screen';
import { useDevices } from '@/lib/api/devices';
import { PairedDevicesTable } from './_components/paired-devices-table';
import { PendingDevicesTable } from './_components/pending-devices-table';

function Devices() {
  const devices = useDevices();
  return (
    <Stack gap="lg">
      <section aria-labelledby="pending-devices">
        <Title order={2} size="h4" mb="sm" id="pending-devices">
          Waiting for approval
        </Title>
        <PendingDevicesTable query={devices} />
      </section>
      <section aria-labelledby="paired-devices">
        <Title order={2} size="h4" mb="sm" id="paired-devices">
          Paired devices
        </Title>
        <PairedDevicesTable query={devices} />
      </section>
    </Stack>
  );
}

export default function DevicesPage() {
  return (
    <Screen title="Devices" permission="devices.read">
      <PageHeader title="Devices" description="Control-plane clients (apps, nodes, the CLI on other machines) that asked to connect, and those allowed to." />
      <Devices />
    </Screen>
  );
}
