'use client';

import type { ReactNode } from 'react';
import { Alert, Button, Center, EmptyState, Group, Loader, Text } from '@mantine/core';
import { errorMessage } from '@/lib/api/client';
import { Icon, type IconName } from './icons';

export function LoadingState({ label = 'Loading…' }: { label?: string }) {
  return (
    <Center py="xl" role="status" aria-live="polite">
      <Group gap="sm">
        <Loader size="sm" />
        <Text c="dimmed">{label}</Text>
      </Group>
    </Center>
  );
}

export function ErrorState({ error, onRetry, title = 'Could not load this' }: { error: unknown; onRetry?: () => void; title?: string }) {
  return (
    <Alert color="red" variant="light" title={title} icon={<Icon name="alert" />} role="alert">
      <Text size="sm">{errorMessage(error)}</Text>
      {onRetry && (
        <Button mt="sm" size="xs" variant="default" onClick={onRetry}>
          Try again
        </Button>
      )}
    </Alert>
  );
}

export function Empty({ title, description, icon = 'inbox', action }: { title: string; description?: ReactNode; icon?: IconName; action?: ReactNode }) {
  return (
    <EmptyState py="xl" title={title} description={description} icon={<Icon name={icon} size={28} />} withIndicatorBackground>
      {action && <EmptyState.Actions>{action}</EmptyState.Actions>}
    </EmptyState>
  );
}
