import { Group, Paper, Text, Title } from '@mantine/core';
import type { OverviewResponse } from '@contract/overview.schemas';
import { Empty } from '@/components/states';

const COLORS = ['indigo', 'teal', 'orange', 'grape', 'cyan', 'pink', 'lime', 'yellow'];
const WIDTH = 960;
const HEIGHT = 220;
const PAD = { left: 40, right: 12, top: 12, bottom: 24 };

const timeOfDay = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit' });

/** Messages per minute over the last hour: one line per platform, in plain SVG. */
export function MessagesChart({ series }: { series: OverviewResponse['messagesPerMinute'] }) {
  const points = series[0]?.points ?? [];
  const max = Math.max(1, ...series.flatMap((s) => s.points.map((p) => p.count)));
  const x = (i: number) => PAD.left + (i / Math.max(1, points.length - 1)) * (WIDTH - PAD.left - PAD.right);
  const y = (count: number) => HEIGHT - PAD.bottom - (count / max) * (HEIGHT - PAD.top - PAD.bottom);
  const ticks = [0, Math.round(max / 2), max];
  const summary = series.map((s) => `${s.platform}: ${s.points.reduce((sum, p) => sum + p.count, 0)} messages`).join(', ');
  return (
    <Paper withBorder p="md" radius="md">
      <Group justify="space-between" mb="sm">
        <Title order={2} size="h4">
          Messages per minute
        </Title>
        <Group gap="md">
          {series.map((s, i) => (
            <Group key={s.platform} gap={6}>
              <span style={{ width: 10, height: 10, borderRadius: 2, background: `var(--mantine-color-${COLORS[i % COLORS.length]}-6)` }} />
              <Text size="sm">{s.platform}</Text>
            </Group>
          ))}
        </Group>
      </Group>
      {series.length === 0 ? (
        <Empty title="No channel configured" description="Configure a platform to see its traffic here." />
      ) : (
        <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} width="100%" role="img" aria-label={`Messages per minute over the last hour. ${summary}.`}>
          {ticks.map((tick) => (
            <g key={tick}>
              <line x1={PAD.left} x2={WIDTH - PAD.right} y1={y(tick)} y2={y(tick)} stroke="var(--mantine-color-default-border)" strokeDasharray="3 3" />
              <text x={PAD.left - 8} y={y(tick) + 4} textAnchor="end" fontSize="11" fill="var(--mantine-color-dimmed)">
                {tick}
              </text>
            </g>
          ))}
          {points
            .map((p, i) => ({ p, i }))
            .filter(({ i }) => i % 15 === 0 || i === points.length - 1)
            .map(({ p, i }) => (
              <text key={p.minute} x={x(i)} y={HEIGHT - 6} textAnchor={i === points.length - 1 ? 'end' : 'middle'} fontSize="11" fill="var(--mantine-color-dimmed)">
                {timeOfDay.format(new Date(p.minute))}
              </text>
            ))}
          {series.map((s, i) => (
            <polyline
              key={s.platform}
              fill="none"
              stroke={`var(--mantine-color-${COLORS[i % COLORS.length]}-6)`}
              strokeWidth={2}
              strokeLinejoin="round"
              points={s.points.map((p, j) => `${x(j)},${y(p.count)}`).join(' ')}
            />
          ))}
        </svg>
      )}
    </Paper>
  );
}
