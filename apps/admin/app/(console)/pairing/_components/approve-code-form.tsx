'use client';

import { type FormEvent, useState } from 'react';
import { Alert, Button, Group, Paper, Select, TextInput, Title } from '@mantine/core';
import { useNotify } from '@/components/notifications';
import { errorMessage } from '@/lib/api/client';
import { useApprovePairing } from '@/lib/api/pairing';

const PLATFORMS = ['telegram', 'slack', 'discord', 'whatsapp', 'dingtalk', 'feishu', 'wecom'];

/** Approving takes the code the person was sent: it proves the operator is talking to that person. */
export function ApproveCodeForm({ platform: initialPlatform = 'telegram' }: { platform?: string }) {
  const [platform, setPlatform] = useState<string | null>(initialPlatform);
  const [code, setCode] = useState('');
  const approve = useApprovePairing();
  const notify = useNotify();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!platform || !code.trim()) return;
    approve.mutate(
      { platform, code: code.trim().toUpperCase() },
      {
        onSuccess: (approved) => {
          notify.success('Pairing approved', `${approved.displayName ?? approved.userId} (${approved.platform}) can now talk to the agent.`);
          setCode('');
        },
      },
    );
  };
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm">
        Approve a code
      </Title>
      <form onSubmit={submit} aria-label="Approve a pairing code">
        <Group align="flex-end">
          <Select label="Platform" data={PLATFORMS} value={platform} onChange={setPlatform} allowDeselect={false} w={180} />
          <TextInput label="Pairing code" placeholder="e.g. K7PX2M9Q" value={code} onChange={(e) => setCode(e.currentTarget.value)} w={220} ff="monospace" autoComplete="off" />
          <Button type="submit" loading={approve.isPending} disabled={!code.trim()}>
            Approve
          </Button>
        </Group>
        {approve.error && (
          <Alert color="red" variant="light" mt="sm" role="alert">
            {errorMessage(approve.error)}
          </Alert>
        )}
      </form>
    </Paper>
  );
}
