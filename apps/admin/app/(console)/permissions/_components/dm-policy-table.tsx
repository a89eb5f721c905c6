'use client';

import { type FormEvent, useState } from 'react';
import { Alert, Badge, Button, Group, Paper, Select, Table, Text } from '@mantine/core';
import type { SecuritySettings } from '@contract/settings.schemas';
import { useNotify } from '@/components/notifications';
import { Empty } from '@/components/states';
import { SettingValue } from '@/components/setting-value';
import { ApiError, errorMessage, fieldError } from '@/lib/api/client';
import { useUpdateSecurity } from '@/lib/api/security';
import { SourceBadge } from './source-badge';

const POLICY_COLOR: Record<string, string> = { open: 'orange', pairing: 'indigo', allowlist: 'teal', disabled: 'gray' };

interface Props {
  settings: SecuritySettings;
  /** The operator may change the policies (security.write). */
  editable: boolean;
}

/** The DM policy of each platform; an operator with security.write picks another or resets it. */
export function DmPolicyTable({ settings, editable }: Props) {
  const { platforms, dmPolicyChoices } = settings;
  const [draft, setDraft] = useState<Record<string, string>>({});
  const update = useUpdateSecurity();
  const notify = useNotify();
  if (platforms.length === 0) return <Empty title="No platform configured" />;

  const changed = Object.fromEntries(Object.entries(draft).filter(([platform, policy]) => platforms.find((p) => p.platform === platform)?.dmPolicy !== policy));
  const save = (dmPolicy: Record<string, string | null>, done: string) =>
    update.mutate({ dmPolicy }, { onSuccess: () => (setDraft({}), notify.success(done, 'In force on every replica from the next message.')) });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (Object.keys(changed).length) save(changed, 'DM policy changed');
  };

  return (
    <form onSubmit={submit} aria-label="Direct message policies">
      {update.error && !(update.error instanceof ApiError && update.error.fields) && (
        <Alert color="red" variant="light" role="alert" mb="sm">
          {errorMessage(update.error)}
        </Alert>
      )}
      <Paper withBorder radius="md">
        <Table.ScrollContainer minWidth={720}>
          <Table aria-label="Direct message policy by platform" verticalSpacing="sm" horizontalSpacing="md">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Platform</Table.Th>
                <Table.Th>DM policy</Table.Th>
                <Table.Th>Allowed users (config)</Table.Th>
                <Table.Th>Admin users</Table.Th>
                <Table.Th>Allowed groups</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {platforms.map((p) => (
                <Table.Tr key={p.platform}>
                  <Table.Td>
                    <Text fw={600} size="sm">
                      {p.platform}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap" align="flex-start">
                      {editable ? (
                        <Select
                          aria-label={`DM policy for ${p.platform}`}
                          data={dmPolicyChoices}
                          value={draft[p.platform] ?? p.dmPolicy}
                          onChange={(value) => value && setDraft({ ...draft, [p.platform]: value })}
                          allowDeselect={false}
                          error={fieldError(update.error, `dmPolicy.${p.platform}`)}
                          w={150}
                        />
                      ) : (
                        <Badge color={POLICY_COLOR[p.dmPolicy] ?? 'gray'} variant="light" radius="sm">
                          {p.dmPolicy}
                        </Badge>
                      )}
                      <SourceBadge source={p.dmPolicySource} />
                      {editable && p.dmPolicySource === 'console' && (
                        <Button size="compact-xs" variant="subtle" onClick={() => save({ [p.platform]: null }, 'DM policy reset to the configuration')}>
                          Reset to config
                        </Button>
                      )}
                    </Group>
                  </Table.Td>
                  <Table.Td>
                    <SettingValue value={p.allowedUsers} />
                  </Table.Td>
                  <Table.Td>
                    <SettingValue value={p.adminUsers} />
                  </Table.Td>
                  <Table.Td>
                    <SettingValue value={p.allowedGroups} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      </Paper>
      {editable && (
        <Group justify="flex-end" mt="sm">
          <Button type="submit" loading={update.isPending} disabled={Object.keys(changed).length === 0}>
            Save DM policies
          </Button>
        </Group>
      )}
    </form>
  );
}
