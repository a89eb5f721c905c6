'use client';

import { type FormEvent, useState } from 'react';
import { Alert, Button, Checkbox, Code, CopyButton, Group, Modal, NumberInput, Stack, Text, TextInput } from '@mantine/core';
import { Icon } from '@/components/icons';
import { useCreateApiKey } from '@/lib/api/api-keys';
import { errorMessage } from '@/lib/api/client';

const SCOPES = [
  { value: 'chat', label: 'Chat completions' },
  { value: 'models', label: 'List models' },
] as const;

/** Creates a key and shows its secret once, with a copy button; closing the dialog forgets it. */
export function CreateKeyButton() {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState('');
  const [scopes, setScopes] = useState<string[]>(['chat', 'models']);
  const [rate, setRate] = useState<number | string>('');
  const create = useCreateApiKey();
  const close = () => {
    setOpen(false);
    setName('');
    setRate('');
    create.reset();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    create.mutate({ name: name.trim(), scopes: scopes as Array<'chat' | 'models'>, rateLimitPerMinute: typeof rate === 'number' ? rate : undefined });
  };
  const created = create.data;
  return (
    <>
      <Button leftSection={<Icon name="plus" size={16} />} onClick={() => setOpen(true)}>
        Create key
      </Button>
      <Modal opened={open} onClose={close} title={created ? 'Copy your new key' : 'Create an API key'} centered size="lg">
        {created ? (
          <Stack gap="sm">
            <Alert color="yellow" variant="light" title="Shown once">
              This is the only time the key is shown. Store it in your secret manager now.
            </Alert>
            <Group wrap="nowrap" gap="xs">
              <Code block style={{ flex: 1, wordBreak: 'break-all' }} data-testid="new-api-key">
                {created.key}
              </Code>
              <CopyButton value={created.key}>{({ copied, copy }) => <Button onClick={copy} variant={copied ? 'light' : 'filled'}>{copied ? 'Copied' : 'Copy'}</Button>}</CopyButton>
            </Group>
            <Group justify="flex-end">
              <Button variant="default" onClick={close}>
                Done
              </Button>
            </Group>
          </Stack>
        ) : (
          <form onSubmit={submit} aria-label="Create an API key">
            <Stack gap="sm">
              {create.error && (
                <Alert color="red" variant="light" role="alert">
                  {errorMessage(create.error)}
                </Alert>
              )}
              <TextInput label="Name" description="Who or what uses the key." value={name} onChange={(e) => setName(e.currentTarget.value)} required data-autofocus />
              <Checkbox.Group label="Scopes" value={scopes} onChange={setScopes}>
                <Group mt={6}>
                  {SCOPES.map((scope) => (
                    <Checkbox key={scope.value} value={scope.value} label={scope.label} />
                  ))}
                </Group>
              </Checkbox.Group>
              <NumberInput label="Requests per minute" description="Empty: the gateway's default limit." min={1} value={rate} onChange={setRate} allowDecimal={false} />
              <Text size="xs" c="dimmed">
                The key is stored hashed; only its prefix is kept to recognise it.
              </Text>
              <Group justify="flex-end">
                <Button variant="default" onClick={close}>
                  Cancel
                </Button>
                <Button type="submit" loading={create.isPending} disabled={!name.trim()}>
                  Create key
                </Button>
              </Group>
            </Stack>
          </form>
        )}
      </Modal>
    </>
  );
}
