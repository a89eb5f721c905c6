import { Badge } from '@mantine/core';
import type { SettingSource } from '@contract/settings.schemas';

/** Where a setting's value comes from: the configuration, or a change made in the console. */
export function SourceBadge({ source }: { source: SettingSource }) {
  return source === 'console' ? (
    <Badge color="indigo" variant="light" radius="sm" size="sm">
      changed in console
    </Badge>
  ) : (
    <Badge color="gray" variant="light" radius="sm" size="sm">
      from config
    </Badge>
  );
}
