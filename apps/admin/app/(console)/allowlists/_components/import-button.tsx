'use client';

import { useState } from 'react';
import { Alert, Badge, Button, Group, Modal, ScrollArea, Stack, Table, Text, Textarea } from '@mantine/core';
import type { AllowlistImportResponse } from '@contract/access.schemas';
import { Icon } from '@/components/icons';
import { useNotify } from '@/components/notifications';
import { useImportAllowlist } from '@/lib/api/allowlist';
import { errorMessage } from '@/lib/api/client';

const OUTCOME_COLOR = { add: 'teal', exists: 'gray', invalid: 'red' } as const;

function Preview({ result }: { result: AllowlistImportResponse }) {
  return (
    <Stack gap="xs">
      <Text size="sm">
        {result.added} to add · {result.existing} already allowed · {result.invalid} invalid
      </Text>
      <ScrollArea.Autosize mah={260}>
        <Table striped aria-label="Import preview">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Line</Table.Th>
              <Table.Th>Platform</Table.Th>
              <Table.Th>User id</Table.Th>
              <Table.Th>Outcome</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {result.rows.map((row) => (
              <Table.Tr key={row.line}>
                <Table.Td>{row.line}</Table.Td>
                <Table.Td>{row.platform}</Table.Td>
                <Table.Td>{row.userId}</Table.Td>
                <Table.Td>
                  <Badge color={OUTCOME_COLOR[row.outcome]} variant="light" radius="sm">
                    {row.outcome}
                  </Badge>
                  {row.error && (
                    <Text size="xs" c="red.8">
                      {row.error}
                    </Text>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </ScrollArea.Autosize>
    </Stack>
  );
}

/** CSV import: a dry run shows what would change; nothing is written until "Import". */
export function ImportButton() {
  const [open, setOpen] = useState(false);
  const [csv, setCsv] = useState('platform,userId,note\n');
  const preview = useImportAllowlist();
  const commit = useImportAllowlist();
  const notify = useNotify();
  const close = () => {
    setOpen(false);
    preview.reset();
    commit.reset();
  };
  const error = preview.error ?? commit.error;
  return (
    <>
      <Button variant="default" leftSection={<Icon name="upload" size={16} />} onClick={() => setOpen(true)}>
        Import CSV
      </Button>
      <Modal opened={open} onClose={close} title="Import users from CSV" size="lg" centered>
        <Stack gap="sm">
          <Textarea
            label="CSV"
            description="A header line platform,userId,note then one user per line."
            autosize
            minRows={5}
            maxRows={10}
            ff="monospace"
            value={csv}
            onChange={(e) => {
              setCsv(e.currentTarget.value);
              preview.reset();
            }}
          />
          {error && (
            <Alert color="red" variant="light" role="alert">
              {errorMessage(error)}
            </Alert>
          )}
          {preview.data && <Preview result={preview.data} />}
          <Group justify="flex-end">
            <Button variant="default" onClick={close}>
              Cancel
            </Button>
            <Button variant="light" onClick={() => preview.mutate({ csv, dryRun: true })} loading={preview.isPending}>
              Preview
            </Button>
            <Button
              disabled={!preview.data || preview.data.added === 0}
              loading={commit.isPending}
              onClick={() =>
                commit.mutate(
                  { csv, dryRun: false },
                  {
                    onSuccess: (result) => {
                      notify.success('Import done', `${result.added} user(s) added, ${result.existing} already allowed.`);
                      close();
                    },
                  },
                )
              }
            >
              Import {preview.data ? preview.data.added : ''}
            </Button>
          </Group>
        </Stack>
      </Modal>
    </>
  );
}
