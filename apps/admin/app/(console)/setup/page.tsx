'use client';

import { Suspense, useEffect } from 'react';
import { useRouter, useSearchParams } from 'next/navigation';
import { Alert, Center, Paper, Stack, Text, Title } from '@mantine/core';
import { ErrorState, LoadingState } from '@/components/states';
import { useAuthConfig } from '@/lib/api/auth';
import { SetupForm } from './_components/setup-form';

/** The one-time link the gateway prints at start while no operator exists: /admin/setup/?token=… */
function Setup() {
  const token = useSearchParams().get('token');
  const router = useRouter();
  const config = useAuthConfig();
  useEffect(() => {
    document.title = 'Set up · Switchboard admin';
  }, []);
  let body;
  if (config.isPending) body = <LoadingState />;
  else if (config.error) body = <ErrorState error={config.error} onRetry={() => void config.refetch()} />;
  else if (!config.data.setupRequired) {
    body = (
      <Alert color="indigo" variant="light" title="Already set up">
        An operator exists: sign in instead.
      </Alert>
    );
  } else if (!token) {
    body = (
      <Alert color="yellow" variant="light" title="The link is incomplete">
        Open the whole setup link the gateway printed when it started.
      </Alert>
    );
  } else body = <SetupForm token={token} onDone={() => router.replace('/overview/')} />;
  return (
    <Center mih="100vh" p="md" component="main">
      <Paper withBorder shadow="sm" p="xl" radius="lg" w={420} maw="100%">
        <Stack gap={4} mb="lg">
          <Title order={1} size="h3">
            Create the first owner
          </Title>
          <Text c="dimmed" size="sm">
            The owner can do everything, including adding the other operators.
          </Text>
        </Stack>
        {body}
      </Paper>
    </Center>
  );
}

export default function SetupPage() {
  return (
    <Suspense fallback={<LoadingState />}>
      <Setup />
    </Suspense>
  );
}
