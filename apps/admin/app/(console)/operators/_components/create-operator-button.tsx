'use client';

import { type FormEvent, useState } from 'react';
import { Alert, Button, Group, Modal, PasswordInput, Select, Stack, TextInput } from '@mantine/core';
import { password as passwordSchema } from '@contract/auth.schemas';
import type { Role } from '@contract/permissions';
import { Icon } from '@/components/icons';
import { useNotify } from '@/components/notifications';
import { errorMessage } from '@/lib/api/client';
import { useCreateOperator } from '@/lib/api/operators';
import { ROLE_CHOICES } from './roles';

export function CreateOperatorButton() {
  const [open, setOpen] = useState(false);
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [role, setRole] = useState<string | null>('operator');
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const create = useCreateOperator();
  const notify = useNotify();
  const passwordError = password && !passwordSchema.safeParse(password).success ? passwordSchema.safeParse(password).error?.issues[0]?.message : undefined;
  const close = () => {
    setOpen(false);
    setEmail('');
    setDisplayName('');
    setPassword('');
    setTouched(false);
    create.reset();
  };
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!email.trim() || !role || passwordError) return;
    create.mutate(
      { email: email.trim(), role: role as Role, displayName: displayName.trim() || undefined, password: password || undefined },
      {
        onSuccess: (operator) => {
          notify.success('Operator created', `${operator.email} can sign in${operator.hasPassword ? '' : ' with SSO'}.`);
          close();
        },
      },
    );
  };
  return (
    <>
      <Button leftSection={<Icon name="plus" size={16} />} onClick={() => setOpen(true)}>
        Add operator
      </Button>
      <Modal opened={open} onClose={close} title="Add an operator" centered>
        <form onSubmit={submit} aria-label="Add an operator">
          <Stack gap="sm">
            {create.error && (
              <Alert color="red" variant="light" role="alert">
                {errorMessage(create.error)}
              </Alert>
            )}
            <TextInput label="Email" type="email" value={email} onChange={(e) => setEmail(e.currentTarget.value)} required data-autofocus />
            <TextInput label="Name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
            <Select label="Role" data={ROLE_CHOICES} value={role} onChange={setRole} allowDeselect={false} required />
            <PasswordInput
              label="Password"
              description="Leave empty for an operator who signs in with SSO only. At least 12 characters."
              autoComplete="new-password"
              value={password}
              onChange={(e) => setPassword(e.currentTarget.value)}
              error={touched ? passwordError : undefined}
            />
            <Group justify="flex-end" mt="sm">
              <Button variant="default" onClick={close}>
                Cancel
              </Button>
              <Button type="submit" loading={create.isPending} disabled={!email.trim()}>
                Add operator
              </Button>
            </Group>
          </Stack>
        </form>
      </Modal>
    </>
  );
}
