'use client';

import { type FormEvent, useState } from 'react';
import { Alert, Button, Group, Paper, Stack, TextInput } from '@mantine/core';
import type { SecuritySettings } from '@contract/settings.schemas';
import { useNotify } from '@/components/notifications';
import { ApiError, errorMessage, fieldError } from '@/lib/api/client';
import { useUpdateSecurity } from '@/lib/api/security';
import { SourceBadge } from './source-badge';

/** GATEWAY_COMMAND_PERMISSIONS as a form: who may run which slash command. */
export function CommandPermissionsForm({ commands }: { commands: SecuritySettings['commands'] }) {
  const [value, setValue] = useState(commands.commandPermissions ?? '');
  const update = useUpdateSecurity();
  const notify = useNotify();
  const submit = (event: FormEvent) => {
    event.preventDefault();
    update.mutate({ commandPermissions: value.trim() }, { onSuccess: () => notify.success('Command permissions changed', 'In force on every replica from the next command.') });
  };
  const reset = () =>
    update.mutate(
      { commandPermissions: null },
      {
        onSuccess: (settings) => {
          setValue(settings.commands.commandPermissions ?? '');
          notify.success('Command permissions reset', 'The configuration applies again.');
        },
      },
    );
  return (
    <Paper withBorder radius="md" p="md" mb="md">
      <form onSubmit={submit} aria-label="Command permissions">
        <Stack gap="sm">
          {update.error && !(update.error instanceof ApiError && update.error.fields) && (
            <Alert color="red" variant="light" role="alert">
              {errorMessage(update.error)}
            </Alert>
          )}
          <TextInput
            label="Command permissions"
            description='Rules separated by ";": command:admins, command:everyone or command:<user id>,<user id>. Commands not listed are open to every allowed user; /help and /whoami always are. Empty: no rule.'
            placeholder="status:admins;reset:everyone"
            value={value}
            onChange={(event) => setValue(event.currentTarget.value)}
            error={fieldError(update.error, 'commandPermissions')}
            rightSectionWidth={150}
            rightSection={<SourceBadge source={commands.source} />}
          />
          <Group justify="flex-end">
            {commands.source === 'console' && (
              <Button variant="default" onClick={reset} disabled={update.isPending}>
                Reset to config
              </Button>
            )}
            <Button type="submit" loading={update.isPending} disabled={value.trim() === (commands.commandPermissions ?? '')}>
              Save command permissions
            </Button>
          </Group>
        </Stack>
      </form>
    </Paper>
  );
}
