'use client';

import { useState } from 'react';
import { Group } from '@mantine/core';
import { PageHeader } from '@/components/page-header';
import { Screen } from '@/components/screen';
import { SearchInput } from '@/components/search-input';
import { Can } from '@/lib/session-context';
import { ApiKeysTable } from './_components/api-keys-table';
import { CreateKeyButton } from './_components/create-key-button';

export default function ApiKeysPage() {
  const [search, setSearch] = useState('');
  return (
    <Screen title="API keys" permission="apikeys.read">
      <PageHeader
        title="API keys"
        description="Keys for the OpenAI-compatible API (/v1/chat/completions). A key is shown once, when it is created; the gateway keeps only its hash."
        actions={
          <Can permission="apikeys.manage">
            <CreateKeyButton />
          </Can>
        }
      />
      <Group mb="md">
        <SearchInput label="Search keys" onSearch={setSearch} />
      </Group>
      <ApiKeysTable search={search} />
    </Screen>
  );
}
