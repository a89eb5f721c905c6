'use client';

import { type FormEvent, useState } from 'react';
import { Alert, Button, Group, Modal, Select, Stack, TextInput } from '@mantine/core';
import { Icon } from '@/components/icons';
import { useNotify } from '@/components/notifications';
import { useAddAllowlistEntry } from '@/lib/api/allowlist';
import { errorMessage } from '@/lib/api/client';
import { PLATFORM_CHOICES } from './platforms';

export function AddEntryButton() {
  const [open, setOpen] = useState(false);
  const [platform, setPlatform] = useState<string | null>('telegram');
  const [userId, setUserId] = useState('');
  const [note, setNote] = useState('');
  const add = useAddAllowlistEntry();
  const notify = useNotify();
  const close = () => {
    setOpen(false);
    setUserId('');
    setNote('');
    add.reset();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!platform || !userId.trim()) return;
    add.mutate(
      { platform, userId: userId.trim(), note: note.trim() || undefined },
      {
        onSuccess: (result) => {
          notify.success(result.added ? 'User allowed' : 'Already allowed', `${platform} user ${userId.trim()} can talk to the agent.`);
          close();
        },
      },
    );
  };
  return (
    <>
      <Button leftSection={<Icon name="plus" size={16} />} onClick={() => setOpen(true)}>
        Add user
      </Button>
      <Modal opened={open} onClose={close} title="Allow a user" centered>
        <form onSubmit={submit} aria-label="Allow a user">
          <Stack gap="sm">
            {add.error && (
              <Alert color="red" variant="light" role="alert">
                {errorMessage(add.error)}
              </Alert>
            )}
            <Select label="Platform" data={PLATFORM_CHOICES} value={platform} onChange={setPlatform} allowDeselect={false} required />
            <TextInput
              label="User id"
              description="The platform's numeric or string id of the person, e.g. a Telegram user id."
              value={userId}
              onChange={(e) => setUserId(e.currentTarget.value)}
              required
              data-autofocus
            />
            <TextInput label="Note" description="Optional: who this is, why they have access." value={note} onChange={(e) => setNote(e.currentTarget.value)} />
            <Group justify="flex-end" mt="sm">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={add.isPending} disabled={!userId.trim()}>
                Add to allowlist
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
