import { Code, Group, Text } from '@mantine/core';
import type { ChannelState } from '@contract/settings.schemas';

export type ConfigValue = ChannelState['config'][string];

/** A configuration value as shown: secrets arrive masked from the server. */
export function SettingValue({ value }: { value: ConfigValue }) {
  if (value === null) return <Text size="sm" c="dimmed">not set</Text>;
  if (Array.isArray(value)) {
    return value.length === 0 ? (
      <Text size="sm" c="dimmed">none</Text>
    ) : (
      <Group gap={4}>
        {value.map((item) => (
          <Code key={item}>{item}</Code>
        ))}
      </Group>
    );
  }
  return <Code>{String(value)}</Code>;
}

