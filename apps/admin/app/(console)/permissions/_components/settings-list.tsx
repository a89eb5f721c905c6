import { Group, Paper, Table, Text } from '@mantine/core';
import type { SettingSource } from '@contract/settings.schemas';
import { type ConfigValue, SettingValue } from '@/components/setting-value';
import { Empty } from '@/components/states';
import { SourceBadge } from './source-badge';

/** Settings and their values as a two-column table; `sources` marks where each value comes from. */
export function SettingsList({ label, values, sources = {} }: { label: string; values: Record<string, ConfigValue>; sources?: Record<string, SettingSource> }) {
  const entries = Object.entries(values);
  if (entries.length === 0) return <Empty title="Nothing configured" />;
  return (
    <Paper withBorder radius="md" mb="md">
      <Table aria-label={label} verticalSpacing="sm" horizontalSpacing="md">
        <Table.Thead>
          <Table.Tr>
            <Table.Th w="35%">Setting</Table.Th>
            <Table.Th>Value</Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {entries.map(([key, value]) => (
            <Table.Tr key={key}>
              <Table.Td>
                <Text size="sm" fw={600}>
                  {key}
                </Text>
              </Table.Td>
              <Table.Td>
                <Group gap="xs">
                  <SettingValue value={value} />
                  {sources[key] && <SourceBadge source={sources[key]} />}
                </Group>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
