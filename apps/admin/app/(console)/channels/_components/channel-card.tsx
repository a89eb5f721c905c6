import { Badge, Group, Paper, Table, Text, Title } from '@mantine/core';
import type { ChannelState } from '@contract/settings.schemas';
import { SettingValue } from '@/components/setting-value';
import { Can } from '@/lib/session-context';
import { ChannelSwitch } from './channel-switch';

const STATE = { up: { color: 'teal', label: 'Up' }, down: { color: 'red', label: 'Down' }, disabled: { color: 'gray', label: 'Disabled' } } as const;

export function ChannelCard({ channel }: { channel: ChannelState }) {
  const state = STATE[channel.state];
  return (
    <Paper withBorder p="md" radius="md">
      <Group justify="space-between" mb="xs">
        <Title order={2} size="h4" tt="capitalize">
          {channel.platform}
        </Title>
        <Group gap="xs">
          <Badge color={state.color} variant="light" size="lg" radius="sm">
            {state.label}
          </Badge>
          <Can permission="channels.manage">
            <ChannelSwitch channel={channel} />
          </Can>
        </Group>
      </Group>
      {channel.detail && (
        <Text size="sm" c="dimmed" mb="sm">
          {channel.detail}
        </Text>
      )}
      {channel.accounts.length > 1 && (
        <Table aria-label={`${channel.platform} accounts`} verticalSpacing={6} mb="sm">
          <Table.Tbody>
            {channel.accounts.map((account) => (
              <Table.Tr key={account.accountId}>
                <Table.Td w="45%">
                  <Text size="sm">{account.accountId}</Text>
                </Table.Td>
                <Table.Td>
                  <Badge color={STATE[account.state].color} variant="light" radius="sm">
                    {STATE[account.state].label}
                  </Badge>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Table aria-label={`${channel.platform} configuration`} verticalSpacing={6}>
        <Table.Tbody>
          {Object.entries(channel.config).map(([key, value]) => (
            <Table.Tr key={key}>
              <Table.Td w="45%">
                <Text size="sm">{key}</Text>
              </Table.Td>
              <Table.Td>
                <SettingValue value={value} />
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Paper>
  );
}
