import { Group, Paper, Progress, Text, Title } from '@mantine/core';
import type { OverviewResponse } from '@contract/overview.schemas';
import { formatNumber } from '@/lib/format';

const PARTS = [
  { key: 'waiting', label: 'Waiting', color: 'indigo' },
  { key: 'active', label: 'Running', color: 'teal' },
  { key: 'delayed', label: 'Delayed', color: 'orange' },
  { key: 'failed', label: 'Failed', color: 'red' },
] as const;

/** The work queue's jobs by state, as one stacked bar. */
export function QueueChart({ queue }: { queue: OverviewResponse['queue'] }) {
  const total = PARTS.reduce((sum, part) => sum + queue[part.key], 0);
  return (
    <Paper withBorder p="md" radius="md">
      <Title order={2} size="h4" mb="sm">
        Queue
      </Title>
      <Progress.Root size={18} aria-label="Queue jobs by state">
        {total === 0 ? (
          <Progress.Section value={100} color="gray.3" aria-label="empty queue" />
        ) : (
          PARTS.map((part) => <Progress.Section key={part.key} value={(queue[part.key] / total) * 100} color={part.color} aria-label={`${part.label}: ${queue[part.key]}`} />)
        )}
      </Progress.Root>
      <Group mt="sm" gap="lg">
        {PARTS.map((part) => (
          <Group key={part.key} gap={6}>
            <span style={{ width: 10, height: 10, borderRadius: 2, background: `var(--mantine-color-${part.color}-6)` }} />
            <Text size="sm">
              {part.label} <b className="tabular">{formatNumber(queue[part.key])}</b>
            </Text>
          </Group>
        ))}
      </Group>
    </Paper>
  );
}
