'use client';

import { Badge, Paper, Table, Text } from '@mantine/core';
import { PERMISSIONS } from '@contract/permissions';
import { ErrorState, LoadingState } from '@/components/states';
import { useRoles } from '@/lib/api/operators';
import { ROLE_COLOR } from './roles';

/** Which role holds which permission, as the server defines it. */
export function RoleMatrix() {
  const roles = useRoles();
  if (roles.isPending) return <LoadingState />;
  if (roles.error) return <ErrorState error={roles.error} onRetry={() => void roles.refetch()} />;
  return (
    <Paper withBorder radius="md">
      <Table.ScrollContainer minWidth={640}>
        <Table aria-label="Permissions by role" verticalSpacing={6} striped>
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Permission</Table.Th>
              {roles.data.items.map((r) => (
                <Table.Th key={r.role} ta="center">
                  <Badge color={ROLE_COLOR[r.role]} variant="light" radius="sm">
                    {r.role}
                  </Badge>
                </Table.Th>
              ))}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {PERMISSIONS.map((permission) => (
              <Table.Tr key={permission}>
                <Table.Td>
                  <Text size="sm" ff="monospace">
                    {permission}
                  </Text>
                </Table.Td>
                {roles.data.items.map((r) => {
                  const has = r.permissions.includes(permission);
                  return (
                    <Table.Td key={r.role} ta="center" aria-label={has ? 'granted' : 'not granted'}>
                      <Text size="sm" c={has ? 'teal.8' : 'dimmed'} fw={has ? 700 : 400} aria-hidden>
                        {has ? '✓' : '—'}
                      </Text>
                    </Table.Td>
                  );
                })}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Paper>
  );
}
