'use client';

import { Suspense, useEffect } from 'react';
import { useRouter, useSearchParams } from 'next/navigation';
import { Alert, Center, Divider, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { Icon } from '@/components/icons';
import { ErrorState, LoadingState } from '@/components/states';
import { useAuthConfig, useSession } from '@/lib/api/auth';
import { LocalSignInForm } from './_components/local-sign-in-form';
import { SsoButton } from './_components/sso-button';

// The codes the gateway's SSO callback sends back in ?error=.
const SSO_ERRORS: Record<string, string> = {
  sso_off: 'Single sign-on is not configured on this gateway.',
  sso_failed: 'The identity provider could not complete the sign-in. Try again.',
  sso_no_role: 'Your groups at the identity provider give you no role here. Ask an owner to map one (OIDC_ROLE_MAP).',
  sso_unknown_operator: 'You are not an operator of this gateway yet. Ask an owner to add you.',
  sso_disabled: 'Your operator account is disabled.',
  sso_no_email: 'The identity provider did not give a verified email address.',
};

/** Only paths inside the console: never an open redirect. */
function safeNext(next: string | null): string {
  return next && /^\/[a-z0-9/_-]*$/i.test(next) && !next.startsWith('//') && !next.startsWith('/login') ? next : '/overview/';
}

function SignIn() {
  const params = useSearchParams();
  const router = useRouter();
  const config = useAuthConfig();
  const session = useSession();
  const next = safeNext(params.get('next'));
  const ssoError = params.get('error');
  useEffect(() => {
    document.title = 'Sign in · Switchboard admin';
  }, []);
  useEffect(() => {
    if (session.data) router.replace(next);
  }, [session.data, next, router]);

  let body;
  if (config.isPending) body = <LoadingState />;
  else if (config.error) body = <ErrorState error={config.error} onRetry={() => void config.refetch()} />;
  else {
    const { local, sso } = config.data;
    body = (
      <Stack gap="md">
        {config.data.setupRequired && (
          <Alert color="yellow" variant="light" title="No operator yet">
            Open the one-time setup link the gateway printed when it started, or create the first owner with
            <Text component="span" ff="monospace" size="sm">
              {' '}
              switchboard users create --email you@example.com --role owner
            </Text>
            .
          </Alert>
        )}
        {ssoError && (
          <Alert color="red" variant="light" title="Single sign-on failed" role="alert">
            {SSO_ERRORS[ssoError] ?? 'The sign-in was refused. Try again, or ask an owner.'}
          </Alert>
        )}
        {sso.enabled && <SsoButton startUrl={sso.startUrl} />}
        {sso.enabled && local && <Divider label="or with your email" labelPosition="center" />}
        {local && <LocalSignInForm onSignedIn={() => router.replace(next)} primary={!sso.enabled} />}
      </Stack>
    );
  }
  return (
    <Center mih="100vh" p="md" component="main" bg="var(--mantine-color-body)">
      <Stack w={400} maw="100%" gap="lg">
        <Group gap={8} justify="center">
          <Icon name="channels" size={28} color="var(--mantine-primary-color-filled)" />
          <Text fw={700} size="xl">
            Switchboard
          </Text>
        </Group>
        <Paper withBorder shadow="sm" p="xl" radius="lg">
          <Title order={1} size="h3" mb={4}>
            Sign in
          </Title>
          <Text c="dimmed" size="sm" mb="lg">
            The admin console: who may talk to your agent, and what it does.
          </Text>
          {body}
        </Paper>
      </Stack>
    </Center>
  );
}

export default function SignInPage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <SignIn />
    </Suspense>
  );
}
