'use client';

import { SimpleGrid, Stack } from '@mantine/core';
import { PageHeader } from '@/components/page-header';
import { Screen } from '@/components/screen';
import { ErrorState, LoadingState } from '@/components/states';
import { useOverview } from '@/lib/api/overview';
import { formatDateTime, formatNumber } from '@/lib/format';
import { MessagesChart } from './_components/messages-chart';
import { QueueChart } from './_components/queue-chart';
import { StatCard } from './_components/stat-card';

function Overview() {
  const overview = useOverview();
  if (overview.isPending) return <LoadingState />;
  if (overview.error) return <ErrorState error={overview.error} onRetry={() => void overview.refetch()} />;
  const { messagesPerMinute, queue, errorRate, activeSessions, generatedAt } = overview.data;
  const lastHour = messagesPerMinute.reduce((sum, series) => sum + series.points.reduce((s, p) => s + p.count, 0), 0);
  return (
    <Stack gap="lg">
      <SimpleGrid cols={{ base: 1, sm: 2, lg: 4 }}>
        <StatCard label="Messages, last hour" value={formatNumber(lastHour)} hint={`${messagesPerMinute.length} platform(s)`} />
        <StatCard label="Active sessions" value={formatNumber(activeSessions)} hint="with activity in the last hour" />
        <StatCard label="Queue depth" value={formatNumber(queue.waiting + queue.active + queue.delayed)} hint={`${queue.waiting} waiting · ${queue.active} running · ${queue.delayed} delayed`} />
        <StatCard
          label="Error rate"
          value={`${(errorRate.rate * 100).toFixed(1)} %`}
          hint={`${errorRate.failed} failed of ${errorRate.finished} turns`}
          tone={errorRate.rate > 0.05 ? 'bad' : 'good'}
        />
      </SimpleGrid>
      <MessagesChart series={messagesPerMinute} />
      <QueueChart queue={queue} />
      <span style={{ fontSize: 12, color: 'var(--mantine-color-dimmed)' }}>Updated {formatDateTime(generatedAt)} · refreshes every 15 seconds</span>
    </Stack>
  );
}

export default function OverviewPage() {
  return (
    <Screen title="Overview" permission="overview.read">
      <PageHeader title="Overview" description="Traffic by platform over the last hour, the work queue and how turns are going." />
      <Overview />
    </Screen>
  );
}
