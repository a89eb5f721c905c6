'use client';

import { type FormEvent, useState } from 'react';
import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { password as passwordSchema } from '@contract/auth.schemas';
import { useSetup } from '@/lib/api/auth';
import { errorMessage } from '@/lib/api/client';

/** The one-time setup link's form: creates the first owner and signs them in. */
export function SetupForm({ token, onDone }: { token: string; onDone: () => void }) {
  const setup = useSetup();
  const [email, setEmail] = useState('');
  const [displayName, setDisplayName] = useState('');
  const [password, setPassword] = useState('');
  const [touched, setTouched] = useState(false);
  const passwordCheck = passwordSchema.safeParse(password);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    setTouched(true);
    if (!passwordCheck.success) return;
    setup.mutate({ token, email, password, displayName: displayName || undefined }, { onSuccess: onDone });
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Create the first owner">
      <Stack gap="sm">
        {setup.error && (
          <Alert color="red" variant="light" role="alert">
            {errorMessage(setup.error)}
          </Alert>
        )}
        <TextInput label="Email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} />
        <TextInput label="Name" autoComplete="name" value={displayName} onChange={(e) => setDisplayName(e.currentTarget.value)} />
        <PasswordInput
          label="Password"
          description="At least 12 characters."
          autoComplete="new-password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          error={touched && !passwordCheck.success ? passwordCheck.error.issues[0]?.message : undefined}
        />
        <Button type="submit" loading={setup.isPending} mt="xs">
          Create owner and sign in
        </Button>
      </Stack>
    </form>
  );
}
