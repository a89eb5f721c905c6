'use client';

import { type FormEvent, useState } from 'react';
import { Alert, Button, PasswordInput, Stack, TextInput } from '@mantine/core';
import { useLogin } from '@/lib/api/auth';
import { ApiError, errorMessage } from '@/lib/api/client';

function signInError(error: unknown): string {
  if (error instanceof ApiError && error.status === 401) return 'Wrong email or password.';
  if (error instanceof ApiError && error.status === 429) return error.message || 'Too many attempts. Wait a moment, then try again.';
  return errorMessage(error);
}

/** `primary`: the main way in (no SSO offered); otherwise it sits below the SSO button. */
export function LocalSignInForm({ onSignedIn, primary }: { onSignedIn: () => void; primary: boolean }) {
  const login = useLogin();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!email.trim() || !password) return;
    login.mutate({ email, password }, { onSuccess: onSignedIn });
  };
  return (
    <form onSubmit={submit} noValidate aria-label="Sign in with email and password">
      <Stack gap="sm">
        {login.error && (
          <Alert color="red" variant="light" role="alert">
            {signInError(login.error)}
          </Alert>
        )}
        <TextInput label="Email" name="email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.currentTarget.value)} data-autofocus />
        <PasswordInput label="Password" name="password" autoComplete="current-password" required value={password} onChange={(e) => setPassword(e.currentTarget.value)} />
        <Button type="submit" loading={login.isPending} mt="xs" variant={primary ? 'filled' : 'default'}>
          Sign in
        </Button>
      </Stack>
    </form>
  );
}
