'use client';

import { Badge, Stack } from '@mantine/core';
import { PageHeader } from '@/components/page-header';
import { Screen } from '@/components/screen';
import { type LiveState, usePairingFeed } from '@/lib/api/pairing';
import { Can } from '@/lib/session-context';
import { ApproveCodeForm } from './_components/approve-code-form';
import { PendingTable } from './_components/pending-table';

const LIVE_BADGE: Record<LiveState, { color: string; label: string }> = {
  live: { color: 'teal', label: 'Live' },
  connecting: { color: 'yellow', label: 'Connecting…' },
  offline: { color: 'red', label: 'Offline: reload the page' },
};

function Pairing() {
  const live = usePairingFeed();
  const badge = LIVE_BADGE[live];
  return (
    <>
      <PageHeader
        title="Pairing queue"
        description="People who wrote to the agent without being allowed. Each was sent a code: approve the code they tell you, and they join the allowlist."
        actions={
          <Badge color={badge.color} variant="dot" size="lg" data-testid="pairing-live" data-state={live}>
            {badge.label}
          </Badge>
        }
      />
      <Stack gap="lg">
        <Can permission="pairing.approve">
          <ApproveCodeForm />
        </Can>
        <PendingTable />
      </Stack>
    </>
  );
}

export default function PairingPage() {
  return (
    <Screen title="Pairing queue" permission="pairing.read">
      <Pairing />
    </Screen>
  );
}
