'use client';

import { useState } from 'react';
import { Group, Tabs } from '@mantine/core';
import { PageHeader } from '@/components/page-header';
import { Screen } from '@/components/screen';
import { SearchInput } from '@/components/search-input';
import { Can } from '@/lib/session-context';
import { CreateOperatorButton } from './_components/create-operator-button';
import { OperatorsTable } from './_components/operators-table';
import { RoleMatrix } from './_components/role-matrix';

export default function OperatorsPage() {
  const [search, setSearch] = useState('');
  return (
    <Screen title="Operators" permission="operators.read">
      <PageHeader
        title="Operators"
        description="People who can sign in to this console, and what their role lets them do."
        actions={
          <Can permission="operators.manage">
            <CreateOperatorButton />
          </Can>
        }
      />
      <Tabs defaultValue="operators">
        <Tabs.List mb="md">
          <Tabs.Tab value="operators">Operators</Tabs.Tab>
          <Tabs.Tab value="roles">Roles</Tabs.Tab>
        </Tabs.List>
        <Tabs.Panel value="operators">
          <Group mb="md">
            <SearchInput label="Search operators" onSearch={setSearch} />
          </Group>
          <OperatorsTable search={search} />
        </Tabs.Panel>
        <Tabs.Panel value="roles">
          <RoleMatrix />
        </Tabs.Panel>
      </Tabs>
    </Screen>
  );
}
