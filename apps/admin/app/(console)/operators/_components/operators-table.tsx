'use client';

import { useMemo } from 'react';
import { Badge, Group, Select, Stack, Text } from '@mantine/core';
import { type ColumnDef, createColumnHelper } from '@tanstack/react-table';
import type { Operator } from '@contract/operators.schemas';
import type { Role } from '@contract/permissions';
import { ConfirmAction } from '@/components/confirm-action';
import { DataTable, useClientTable } from '@/components/data-table';
import { useNotify } from '@/components/notifications';
import { errorMessage } from '@/lib/api/client';
import { useOperators, useUpdateOperator } from '@/lib/api/operators';
import { formatRelative } from '@/lib/format';
import { useCan, useCurrentSession } from '@/lib/session-context';
import { ROLE_CHOICES, ROLE_COLOR } from './roles';

const column = createColumnHelper<Operator>();

function RoleSelect({ operator }: { operator: Operator }) {
  const update = useUpdateOperator();
  const notify = useNotify();
  return (
    <Select
      aria-label={`Role of ${operator.email}`}
      size="xs"
      w={130}
      data={ROLE_CHOICES.map((r) => r.value)}
      value={operator.role}
      allowDeselect={false}
      disabled={update.isPending}
      onChange={(role) =>
        role &&
        update.mutate(
          { id: operator.id, change: { role: role as Role } },
          {
            onSuccess: () => notify.success('Role changed', `${operator.email} is now ${role}.`),
            onError: (error) => notify.failure('Role not changed', errorMessage(error)),
          },
        )
      }
    />
  );
}

function ToggleDisabled({ operator }: { operator: Operator }) {
  const update = useUpdateOperator();
  const notify = useNotify();
  const disabling = !operator.disabled;
  return (
    <ConfirmAction
      label={disabling ? 'Disable' : 'Enable'}
      ariaLabel={`${disabling ? 'Disable' : 'Enable'} ${operator.email}`}
      title={disabling ? 'Disable this operator?' : 'Enable this operator?'}
      confirmLabel={disabling ? 'Disable' : 'Enable'}
      buttonProps={disabling ? undefined : { color: 'indigo' }}
      onConfirm={async () => {
        await update.mutateAsync({ id: operator.id, change: { disabled: disabling } });
        notify.success(disabling ? 'Operator disabled' : 'Operator enabled', operator.email);
      }}
    >
      {disabling ? `${operator.email} is signed out everywhere and cannot sign in until enabled again.` : `${operator.email} can sign in again.`}
    </ConfirmAction>
  );
}

export function OperatorsTable({ search }: { search: string }) {
  const can = useCan();
  const me = useCurrentSession().operator.id;
  const operators = useOperators();
  const columns = useMemo(() => {
    const manage = can('operators.manage');
    const list = [
      column.accessor('email', {
        header: 'Operator',
        cell: (c) => (
          <Stack gap={0}>
            <Text size="sm" fw={600}>
              {c.row.original.displayName ?? c.getValue()}
            </Text>
            <Text size="xs" c="dimmed">
              {c.getValue()}
            </Text>
          </Stack>
        ),
      }),
      column.accessor('role', {
        header: 'Role',
        cell: (c) =>
          manage && c.row.original.id !== me ? (
            <RoleSelect operator={c.row.original} />
          ) : (
            <Badge color={ROLE_COLOR[c.getValue()]} variant="light" radius="sm">
              {c.getValue()}
            </Badge>
          ),
      }),
      column.accessor((o) => (o.hasPassword ? 'password' : 'SSO only'), { id: 'signIn', header: 'Sign-in' }),
      column.accessor((o) => (o.disabled ? 'disabled' : o.lockedUntil && new Date(o.lockedUntil) > new Date() ? 'locked' : 'active'), {
        id: 'status',
        header: 'Status',
        cell: (c) => (
          <Badge color={c.getValue() === 'active' ? 'teal' : c.getValue() === 'locked' ? 'orange' : 'gray'} variant="light" radius="sm">
            {c.getValue()}
          </Badge>
        ),
      }),
      column.accessor((o) => o.lastLoginAt ?? '', { id: 'lastLogin', header: 'Last sign-in', cell: (c) => (c.getValue() ? formatRelative(c.getValue()) : 'never') }),
    ] as ColumnDef<Operator, never>[];
    if (manage) {
      list.push(
        column.display({
          id: 'actions',
          header: () => <span className="visually-hidden">Actions</span>,
          cell: (c) => (c.row.original.id === me ? <Text size="xs" c="dimmed">you</Text> : <Group gap={4}><ToggleDisabled operator={c.row.original} /></Group>),
        }) as ColumnDef<Operator, never>,
      );
    }
    return list;
  }, [can, me]);
  const table = useClientTable(operators.data?.items, columns, search);
  return (
    <DataTable
      table={table}
      label="Operators"
      loading={operators.isPending}
      error={operators.error}
      onRetry={() => void operators.refetch()}
      total={table.getFilteredRowModel().rows.length}
      empty={search ? { title: 'No operator matches' } : { title: 'No operator', description: 'Create one, or let SSO create them on first sign-in.' }}
    />
  );
}
